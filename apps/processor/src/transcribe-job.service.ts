import { HarkConfig } from '@app/config';
import { HarkError, isConnectionError } from '@app/errors';
import { DEPENDENCY_NAMES, DependencyMonitor, type NamedJob, TaskLifecycle } from '@app/tasks';
import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { ActiveTasks } from './active-tasks';
import { decideFailure } from './failure-policy';
import { TranscriptionService } from './transcription.service';

/**
 * How many times one attempt goes on from its checkpoint after a connection error while Postgres
 * and Redis both answered their ping: more means the error was not theirs (normal retry policy).
 */
const MAX_UNCONFIRMED_OUTAGES = 2;

/**
 * Runs one `transcribe` job: the pipeline with a cancel signal. When Postgres or Redis drops out,
 * the job waits for them (up to DEPENDENCY_OUTAGE_TOLERANCE_MS) and goes on from its checkpoint:
 * an outage is not the task's fault. When the pipeline throws for any other reason, it does what
 * `decideFailure` says: stop, hand the job back, let BullMQ retry it (task `queued`), or fail the
 * task (BullMQ is told not to retry when the failure is permanent).
 */
@Injectable()
export class TranscribeJobService {
  private readonly logger = new Logger(TranscribeJobService.name);

  constructor(
    private readonly transcription: TranscriptionService,
    private readonly lifecycle: TaskLifecycle,
    private readonly active: ActiveTasks,
    private readonly monitor: DependencyMonitor,
    private readonly config: HarkConfig,
  ) {}

  /**
   * @param token the worker's lock token of the job (to hand it back)
   * @throws what BullMQ needs to hear: the error (retry), `UnrecoverableError` (no retry), `DelayedError` (handed back)
   */
  async run(job: NamedJob<'transcribe'>, token?: string): Promise<void> {
    const { taskId } = job.data;
    try {
      await this.active.track(taskId, (signal) => this.throughOutages(job, signal));
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

  /**
   * The pipeline, continued after each dependency outage until it ends. An outage is judged by
   * what failed: a Postgres or Redis connection error (`isConnectionError`, which never counts a
   * download's, share link's or callback's error), confirmed by the DependencyMonitor pinging them.
   * When both answer at once, the connection that failed was a passing one (a server restarted, a
   * pooled connection closed): the pipeline goes on from its checkpoint at most
   * MAX_UNCONFIRMED_OUTAGES times, then the error takes the normal retry policy.
   * @throws HarkError `dependency_outage` when a dependency stays away longer than the tolerance
   */
  private async throughOutages(job: NamedJob<'transcribe'>, signal: AbortSignal): Promise<void> {
    const { taskId } = job.data;
    for (let started = false, unconfirmed = 0; ;) {
      try {
        const task = started ? await this.transcription.current(taskId) : await this.transcription.start(taskId);
        started = true;
        if (!task) {
          this.logger.warn(`Task ${taskId} is gone or already finished; job skipped`);
          return;
        }
        await this.transcription.process(task, (progress) => job.updateProgress(progress), signal);
        return;
      } catch (error) {
        if (!isConnectionError(error) || signal.aborted) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        await this.monitor.check();
        const down = this.monitor.down();
        if (down.length === 0) {
          if (++unconfirmed > MAX_UNCONFIRMED_OUTAGES) throw error;
          this.logger.warn(
            `Task ${taskId}: a connection failed (${reason}) but Postgres and Redis answer; continuing from the checkpoint`,
          );
          continue;
        }
        const missing = down.map((dependency) => DEPENDENCY_NAMES[dependency]).join(' and ');
        const tolerance = this.config.dependencyOutageToleranceMs;
        this.logger.warn(`Task ${taskId}: ${missing} unreachable (${reason}); waiting up to ${tolerance} ms`);
        if (!(await this.monitor.waitUntilUp(Date.now() + tolerance, signal))) {
          throw new HarkError(
            'dependency_outage',
            `${missing} stayed unreachable for more than ${tolerance / 1000} s (DEPENDENCY_OUTAGE_TOLERANCE_MS); the task was not at fault. Retry it.`,
            false,
          );
        }
        this.logger.log(`Task ${taskId}: dependencies are back; continuing from the checkpoint`);
      }
    }
  }
}
