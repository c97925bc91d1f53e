import { HarkConfig } from '@app/config';
import { LinkError } from '@app/crawlers';
import { DownloadError, MediaError } from '@app/media';
import { CallbackQueue, type DetectLanguageJobData, type TranscribeJobData, TaskRepository, TranscriptionJob, type TranscriptionJobData, TRANSCRIPTION_QUEUE } from '@app/tasks';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { ActiveTasks, ShuttingDownError, TaskCancelledError } from './active-tasks';
import { TranscriptionService } from './transcription.service';

/** Errors that no retry can fix: the task fails at once. */
function isPermanent(error: unknown): boolean {
  return error instanceof MediaError || ((error instanceof DownloadError || error instanceof LinkError) && !error.retryable);
}

/** The task's `error` and `error_code` for a failure: share-link errors lead with their code. */
function describeFailure(error: unknown): { reason: string; code: string | null } {
  if (error instanceof LinkError) return { reason: `${error.code}: ${error.message}`, code: error.code };
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof MediaError) return { reason, code: error.code };
  return { reason, code: error instanceof DownloadError ? 'download_failed' : null };
}

/**
 * Consumer of the transcription queue: takes a job, runs it, and decides what a failure means.
 * Media that cannot be had or decoded fails the task at once; other errors are retried with
 * backoff and fail the task on the last attempt; a cancelled task just stops. The worker starts
 * only once the engine is loaded.
 */
@Processor(TRANSCRIPTION_QUEUE, { autorun: false })
export class TranscriptionWorker extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TranscriptionWorker.name);

  constructor(
    private readonly transcription: TranscriptionService,
    private readonly tasks: TaskRepository,
    private readonly callbacks: CallbackQueue,
    private readonly active: ActiveTasks,
    private readonly config: HarkConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
    this.worker.opts.lockDuration = this.config.jobLockMs;
    this.worker.opts.stalledInterval = this.config.jobStalledIntervalMs;
    this.worker.run().catch((error: unknown) => this.logger.error(`Worker stopped: ${String(error)}`));
  }

  /**
   * SIGTERM: take no new jobs and let the current ones finish for SHUTDOWN_GRACE_MS; then stop them
   * and hand their jobs back to the queue, where the next processor takes them at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const closed = this.worker.close();
    const finished = await Promise.race([closed.then(() => true), new Promise<boolean>((done) => setTimeout(() => done(false), this.config.shutdownGraceMs))]);
    if (!finished) {
      this.logger.warn(`Jobs still running after ${this.config.shutdownGraceMs} ms (SHUTDOWN_GRACE_MS): handing them back to the queue`);
      this.active.abortAll(new ShuttingDownError());
      await closed;
    }
  }

  /** Whether the worker is consuming jobs (readiness). */
  isRunning(): boolean {
    return this.worker.isRunning() && !this.worker.closing;
  }

  async process(job: Job<TranscriptionJobData>, token?: string): Promise<unknown> {
    if (job.name === TranscriptionJob.DetectLanguage) {
      return this.transcription.detectLanguage((job.data as DetectLanguageJobData).mediaPath);
    }
    const { taskId } = job.data as TranscribeJobData;
    try {
      await this.active.track(taskId, (signal) => this.transcription.run(taskId, (progress) => job.updateProgress(progress), signal));
    } catch (error) {
      if (error instanceof TaskCancelledError) return; // the api already recorded the cancellation
      if (error instanceof ShuttingDownError) {
        // Back to the queue without using up an attempt; the task is queued again.
        await this.tasks.requeue(taskId, null);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      const { reason, code } = describeFailure(error);
      const lastAttempt = isPermanent(error) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger.warn(`Task ${taskId} attempt ${job.attemptsMade + 1} failed${lastAttempt ? ' (final)' : ''}: ${reason}`);
      if (!lastAttempt) {
        await this.tasks.requeue(taskId, reason, code).catch(() => undefined);
        throw error;
      }
      if (await this.tasks.fail(taskId, reason, code).catch(() => false)) await this.callbacks.enqueueById(taskId).catch(() => undefined);
      throw isPermanent(error) ? new UnrecoverableError(reason) : error;
    }
  }
}
