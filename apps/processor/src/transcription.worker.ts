import { HarkConfig } from '@app/config';
import { MediaError } from '@app/media';
import { TaskRepository, type TranscribeJobData, TRANSCRIPTION_QUEUE } from '@app/tasks';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { TranscriptionService } from './transcription.service';

/**
 * Consumer of the transcription queue: takes a job, runs the task, and decides what a failure
 * means. Media that cannot be decoded fails the task at once; other errors are retried with
 * backoff and fail the task on the last attempt. The worker starts only once the engine is loaded.
 */
@Processor(TRANSCRIPTION_QUEUE, { autorun: false })
export class TranscriptionWorker extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(TranscriptionWorker.name);

  constructor(
    private readonly transcription: TranscriptionService,
    private readonly tasks: TaskRepository,
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

  async process(job: Job<TranscribeJobData>): Promise<void> {
    const { taskId } = job.data;
    try {
      await this.transcription.run(taskId, (progress) => job.updateProgress(progress));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof MediaError) {
        await this.tasks.fail(taskId, reason);
        throw new UnrecoverableError(reason);
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger.warn(`Task ${taskId} attempt ${job.attemptsMade + 1} failed${lastAttempt ? ' (last)' : ''}: ${reason}`);
      await (lastAttempt ? this.tasks.fail(taskId, reason) : this.tasks.requeue(taskId, reason)).catch(() => undefined);
      throw error;
    }
  }
}
