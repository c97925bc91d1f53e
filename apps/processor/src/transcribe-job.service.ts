import { type NamedJob, TaskLifecycle } from '@app/tasks';
import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { ActiveTasks } from './active-tasks';
import { decideFailure } from './failure-policy';
import { TranscriptionService } from './transcription.service';

/**
 * Runs one `transcribe` job: the pipeline with a cancel signal, and when it throws, what
 * `decideFailure` says — stop, hand the job back, let BullMQ retry it (task `queued`), or fail
 * the task (BullMQ is told not to retry when the failure is permanent).
 */
@Injectable()
export class TranscribeJobService {
  private readonly logger = new Logger(TranscribeJobService.name);

  constructor(
    private readonly transcription: TranscriptionService,
    private readonly lifecycle: TaskLifecycle,
    private readonly active: ActiveTasks,
  ) {}

  /**
   * @param token the worker's lock token of the job (to hand it back)
   * @throws what BullMQ needs to hear: the error (retry), `UnrecoverableError` (no retry), `DelayedError` (handed back)
   */
  async run(job: NamedJob<'transcribe'>, token?: string): Promise<void> {
    const { taskId } = job.data;
    try {
      await this.active.track(taskId, (signal) =>
        this.transcription.run(taskId, (progress) => job.updateProgress(progress), signal),
      );
    } catch (error) {
      const attempt = job.attemptsMade + 1;
      const decision = decideFailure(error, attempt, job.opts.attempts ?? 1);
      switch (decision.action) {
        case 'stop':
          return;
        case 'hand_back':
          // Back to the queue at once, without using up an attempt; the task is queued again.
          await this.lifecycle.requeue(taskId);
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        case 'retry':
          this.logger.warn(`Task ${taskId} attempt ${attempt} failed: ${decision.error}`);
          await this.lifecycle.requeue(taskId, decision.error, decision.code).catch(() => null);
          throw error;
        case 'fail':
          this.logger.warn(`Task ${taskId} attempt ${attempt} failed (final): ${decision.error}`);
          await this.lifecycle.fail(taskId, decision.error, decision.code).catch(() => null);
          throw decision.retryable ? error : new UnrecoverableError(decision.error);
      }
    }
  }
}
