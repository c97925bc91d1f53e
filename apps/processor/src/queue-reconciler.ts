import { HarkConfig } from '@app/config';
import { CallbackQueue, TaskLifecycle, TaskQueue, TaskRepository } from '@app/tasks';
import { describeFailedJob } from './failure-policy';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/** Tasks changed more recently than this are left alone (the api may be enqueueing them right now). */
const GRACE_MS = 5000;
const BATCH = 500;

/**
 * Keeps Redis in step with Postgres, the source of truth: every unfinished task must have a job.
 * At start and every RECONCILE_INTERVAL_MS it re-enqueues tasks whose job Redis lost (a flush, a
 * failover without persistence, an api that could not reach Redis), each in the queue of its model,
 * and fails tasks whose job failed without the task being told (e.g. a job that stalled too often). Callbacks likewise: every
 * `pending` callback must have a delivery job, so one whose job Redis lost is scheduled again (at
 * least once), and one whose job failed without the task being told is marked `failed`. Safe to run
 * in every processor at once: enqueueing is idempotent (job id = task id; for a callback,
 * `callbackJobId(delivery id)`).
 */
@Injectable()
export class QueueReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueReconciler.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly taskRepository: TaskRepository,
    private readonly lifecycle: TaskLifecycle,
    private readonly queue: TaskQueue,
    private readonly config: HarkConfig,
    private readonly callbacks: CallbackQueue,
  ) {}

  onApplicationBootstrap(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.reconcileIntervalMs);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.reconcile();
    } catch (error) {
      this.logger.warn(`Reconciliation skipped: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }

  /** One pass over the unfinished tasks and the pending callbacks. Returns how many jobs were re-enqueued. */
  async reconcile(): Promise<number> {
    const unfinished = await this.taskRepository.findUnfinished(new Date(Date.now() - GRACE_MS), BATCH);
    let enqueued = 0;
    for (const task of unfinished) {
      const state = await this.queue.state(task);
      if (state === 'unknown') {
        await this.queue.enqueue(task);
        enqueued++;
        this.logger.warn(`Task ${task.id} (${task.status}) had no job in Redis; re-enqueued`);
      } else if (state === 'failed') {
        const job = await this.queue.job(task);
        const { error, code } = describeFailedJob(job?.failedReason, this.config.jobMaxStalls);
        if (await this.lifecycle.fail(task.id, error, code))
          this.logger.warn(`Task ${task.id} marked failed from its failed job: ${error}`);
      }
    }
    return enqueued + (await this.reconcileCallbacks());
  }

  /**
   * One pass over the pending callbacks not changed for a while: a delivery whose job is gone (or
   * finished although the task still says pending) is scheduled again, with its delivery id; one
   * whose job failed without the task being told is marked failed. Returns how many were scheduled.
   */
  private async reconcileCallbacks(): Promise<number> {
    const pending = await this.taskRepository.findPendingCallbacks(new Date(Date.now() - GRACE_MS), BATCH);
    let scheduled = 0;
    for (const task of pending) {
      const deliveryId = task.callbackDeliveryId ?? (await this.taskRepository.ensureCallbackDeliveryId(task.id));
      if (!deliveryId) continue;
      const state = await this.callbacks.state(deliveryId);
      if (state === 'unknown' || state === 'completed') {
        if (await this.callbacks.reschedule({ ...task, callbackDeliveryId: deliveryId })) {
          scheduled++;
          this.logger.warn(
            `Callback of task ${task.id} (delivery ${deliveryId}) is pending but had ${state === 'unknown' ? 'no job in Redis' : 'a finished job'}; scheduled again`,
          );
        }
      } else if (state === 'failed') {
        const reason = await this.callbacks.failedReason(deliveryId);
        if (await this.taskRepository.failPendingCallback(task.id, deliveryId))
          this.logger.warn(`Callback of task ${task.id} marked failed from its failed delivery job: ${reason}`);
      }
    }
    return scheduled;
  }
}
