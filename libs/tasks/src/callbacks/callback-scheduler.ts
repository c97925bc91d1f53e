import { Injectable, Logger } from '@nestjs/common';
import { type TaskFinished, TaskFinishedBus, type TaskFinishedSubscriber } from '../task-finished';
import { CallbackQueue } from './callback-queue';

/**
 * Schedules a finished task's callback: subscribes to `TaskFinished` (at construction) and adds the
 * delivery's job, once per outcome since the event is raised once per outcome. Runs after the
 * subscribers that hold the callback, so its body carries what they stored.
 */
@Injectable()
export class CallbackScheduler implements TaskFinishedSubscriber {
  readonly name = 'the callback scheduler';
  private readonly logger = new Logger(CallbackScheduler.name);

  constructor(
    finished: TaskFinishedBus,
    private readonly callbacks: CallbackQueue,
  ) {
    finished.subscribe(this);
  }

  /**
   * The task already reached its final status; a failure to reach Redis now must not undo that.
   * The callback stays `pending` in Postgres (the queue reconciler schedules it later).
   */
  async onTaskFinished({ task }: TaskFinished): Promise<void> {
    if (!task.callbackUrl) return;
    try {
      await this.callbacks.enqueue(task);
    } catch (error) {
      this.logger.warn(
        `Task ${task.id} is ${task.status} but its callback could not be queued yet (${error instanceof Error ? error.message : String(error)}); it stays pending`,
      );
    }
  }
}
