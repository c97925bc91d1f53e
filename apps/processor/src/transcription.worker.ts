import { HarkConfig } from '@app/config';
import { DependencyMonitor, type QueueJob, TaskLifecycle } from '@app/tasks';
import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ActiveTasks, ShuttingDownError } from './active-tasks';
import { describeFailedJob } from './failure-policy';
import { TranscribeJobService } from './transcribe-job.service';
import { TranscriptionService } from './transcription.service';

/**
 * Consumer of the transcription queue: hands each job to its service. Registered with the worker
 * options of the queue contract by `ProcessorModule` (`consumerOf`); it starts consuming only once
 * the app is up (the engine loaded), and drains at shutdown.
 */
@Injectable()
export class TranscriptionWorker extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TranscriptionWorker.name);

  constructor(
    private readonly transcribeJobs: TranscribeJobService,
    private readonly transcription: TranscriptionService,
    private readonly active: ActiveTasks,
    private readonly lifecycle: TaskLifecycle,
    private readonly monitor: DependencyMonitor,
    private readonly config: HarkConfig,
  ) {
    super();
  }

  async process(job: QueueJob<'transcription'>, token?: string): Promise<unknown> {
    switch (job.name) {
      case 'transcribe':
        return this.transcribeJobs.run(job, token);
      case 'detect-language':
        return this.transcription.detectLanguage(job.data.mediaPath);
    }
  }

  onApplicationBootstrap(): void {
    // No new jobs while Postgres or Redis is down: a job taken now could only wait or fail.
    this.monitor.onChange((down) => {
      if (this.worker.closing) return;
      if (down.length) this.worker.pause(true).catch(() => undefined);
      else void this.worker.resume();
    });
    this.worker.run().catch((error: unknown) => this.logger.error(`Worker stopped: ${String(error)}`));
  }

  /**
   * A job BullMQ failed by itself, without the task being told: one that stalled more than
   * JOB_MAX_STALLS times (its processors kept dying) fails its task as a poison task at once.
   * (The reconciler catches the same later, should this processor miss it.)
   */
  @OnWorkerEvent('failed')
  async onFailed(job: QueueJob<'transcription'> | undefined, error: Error): Promise<void> {
    if (job?.name !== 'transcribe') return;
    const { error: reason, code } = describeFailedJob(error.message, this.config.jobMaxStalls);
    if (code === 'poison_task' && (await this.lifecycle.fail(job.data.taskId, reason, code).catch(() => null))) {
      this.logger.warn(`Task ${job.data.taskId} failed as a poison task`);
    }
  }

  /**
   * SIGTERM: take no new jobs and let the current ones finish for SHUTDOWN_GRACE_MS; then stop them
   * and hand their jobs back to the queue, where the next processor takes them at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const closed = this.worker.close();
    const finished = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>((done) => setTimeout(() => done(false), this.config.shutdownGraceMs)),
    ]);
    if (!finished) {
      this.logger.warn(
        `Jobs still running after ${this.config.shutdownGraceMs} ms (SHUTDOWN_GRACE_MS): handing them back to the queue`,
      );
      this.active.abortAll(new ShuttingDownError());
      await closed;
    }
  }

  /** Whether the worker is consuming jobs (readiness). */
  isRunning(): boolean {
    return this.worker.isRunning() && !this.worker.closing;
  }
}
