import { Injectable, Logger } from '@nestjs/common';
import type { TaskEntity } from './task.entity';
import type { FinalStatus } from './task-transitions';

/**
 * The domain event of a task that reached a final status (`completed`, `failed`, `cancelled`).
 * `TaskLifecycle` raises it once per outcome, right after the guarded move that won (only the
 * winning move gets a task back), in the process that made the move: a processor (completed,
 * failed) or an api node (cancelled).
 */
export interface TaskFinished {
  readonly status: FinalStatus;
  /**
   * The task as the move stored it (with a callback URL: `callback_status` `pending` and a new
   * `callback_delivery_id`), or as the subscribers that hold the callback stored it since.
   */
  readonly task: TaskEntity;
}

/**
 * What reacts to a finished task: the callback (`CallbackScheduler`), and later the steps that
 * run after a transcript (translation, summaries).
 */
export interface TaskFinishedSubscriber {
  /** For the log. */
  readonly name: string;
  /**
   * Whether the callback waits for this subscriber. Subscribers that hold it run first, one after
   * the other in the order they subscribed; then the others (the callback among them). Note that
   * the callback is already `pending` in Postgres: the queue reconciler schedules a pending callback
   * that has no job after a grace of a few seconds, so a holder that runs longer must mark the
   * callback as held in the row (a status the reconciler skips) for that time.
   */
  readonly holdsCallback?: boolean;
  /**
   * Reacts to the event. A subscriber that holds the callback and changed the task (stored more of
   * its outcome) returns the task as it is now: the subscribers after it, and the callback's body,
   * see that one.
   */
  onTaskFinished(event: TaskFinished): Promise<TaskEntity | void>;
}

/**
 * The in-process bus of `TaskFinished`: subscribers register at start-up (a Nest provider
 * subscribes in its constructor), `TaskLifecycle` emits. Emitting never throws: the final status is
 * already stored, and a subscriber's failure is logged. What must survive a crash between the move
 * and a subscriber keeps its own record in Postgres (the callback: `callback_status` `pending`,
 * which the queue reconciler schedules again).
 */
@Injectable()
export class TaskFinishedBus {
  private readonly logger = new Logger(TaskFinishedBus.name);
  private readonly subscribers: TaskFinishedSubscriber[] = [];

  /** @returns a function that removes the subscriber */
  subscribe(subscriber: TaskFinishedSubscriber): () => void {
    this.subscribers.push(subscriber);
    return () => {
      const index = this.subscribers.indexOf(subscriber);
      if (index >= 0) this.subscribers.splice(index, 1);
    };
  }

  /**
   * Runs every subscriber: those that hold the callback first, in order, each seeing the task as
   * the one before it left it; then the others, in order. Resolves when all have run.
   */
  async emit(event: TaskFinished): Promise<void> {
    let current = event;
    const holding = this.subscribers.filter((subscriber) => subscriber.holdsCallback);
    for (const subscriber of holding) {
      const task = await this.deliver(subscriber, current);
      if (task) current = { ...current, task };
    }
    for (const subscriber of this.subscribers.filter((subscriber) => !subscriber.holdsCallback))
      await this.deliver(subscriber, current);
  }

  private async deliver(subscriber: TaskFinishedSubscriber, event: TaskFinished): Promise<TaskEntity | void> {
    try {
      return await subscriber.onTaskFinished(event);
    } catch (error) {
      this.logger.warn(
        `Task ${event.task.id} is ${event.status} but ${subscriber.name} failed on it: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
