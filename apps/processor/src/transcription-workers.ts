import { HarkConfig } from '@app/config';
import { DependencyMonitor, type QueueJob, TaskLifecycle, transcriptionWorker } from '@app/tasks';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { ActiveTasks, ShuttingDownError } from './active-tasks';
import { AsrEngines } from './asr-engines';
import { describeFailedJob } from './failure-policy';
import { TranscribeJobService } from './transcribe-job.service';
import { TranscriptionService } from './transcription.service';

/**
 * Consumers of the transcription queues: one BullMQ worker per model this processor serves
 * (`transcriptionWorker(model)`, with the queue contract's lock and stall options), each handing
 * its jobs to the services. They start consuming once the app is up (the models checked, and
 * loaded unless they load on demand), pause while Postgres or Redis is down, and drain at shutdown.
 */
@Injectable()
export class TranscriptionWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TranscriptionWorkers.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly transcribeJobs: TranscribeJobService,
    private readonly transcription: TranscriptionService,
    private readonly engines: AsrEngines,
    private readonly active: ActiveTasks,
    private readonly lifecycle: TaskLifecycle,
    private readonly monitor: DependencyMonitor,
    private readonly config: HarkConfig,
  ) {}

  /** Runs one job of `model`'s queue. */
  process(model: string, job: QueueJob<'transcription'>, token?: string): Promise<unknown> {
    switch (job.name) {
      case 'transcribe':
        return this.transcribeJobs.run(job, token);
      case 'detect-language':
        return this.transcription.detectLanguage(job.data.mediaPath, model);
    }
  }

  onApplicationBootstrap(): void {
    for (const model of this.engines.models()) {
      const worker = transcriptionWorker(model, (job, token) => this.process(model, job, token), this.config);
      worker.on('failed', (job, error) => void this.onFailed(job as QueueJob<'transcription'> | undefined, error));
      worker.run().catch((error: unknown) => this.logger.error(`Worker of ${model} stopped: ${String(error)}`));
      this.workers.push(worker);
    }
    // No new jobs while Postgres or Redis is down: a job taken now could only wait or fail.
    this.monitor.onChange((down) => {
      for (const worker of this.workers) {
        if (worker.closing) continue;
        if (down.length) worker.pause(true).catch(() => undefined);
        else void worker.resume();
      }
    });
  }

  /**
   * A job BullMQ failed by itself, without the task being told: one that stalled more than
   * JOB_MAX_STALLS times (its processors kept dying) fails its task as a poison task at once.
   * (The reconciler catches the same later, should this processor miss it.)
   */
  async onFailed(job: QueueJob<'transcription'> | undefined, error: Error): Promise<void> {
    if (job?.name !== 'transcribe') return;
    const { error: reason, code } = describeFailedJob(error.message, this.config.jobMaxStalls);
    if (code === 'poison_task' && (await this.lifecycle.fail(job.data.taskId, reason, code).catch(() => null))) {
      this.logger.warn(`Task ${job.data.taskId} failed as a poison task`);
    }
  }

  /**
   * SIGTERM: take no new jobs and let the current ones finish for SHUTDOWN_GRACE_MS; then stop them
   * and hand their jobs back to their queues, where the next processor takes them at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const closed = Promise.all(this.workers.map((worker) => worker.close()));
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

  /** Whether every model's worker is consuming jobs (readiness). */
  isRunning(): boolean {
    return this.workers.length > 0 && this.workers.every((worker) => worker.isRunning() && !worker.closing);
  }
}
