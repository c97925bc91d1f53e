import { DependencyMonitor, TaskCancellation, type TaskEntity, TaskQueue, within } from '@app/tasks';
import { Injectable, Logger } from '@nestjs/common';

/**
 * Starts and stops the queued work of a task in Redis. The task's row in Postgres is the truth:
 * these moves are best effort, and the processors' reconciler repairs what Redis missed.
 */
@Injectable()
export class TaskWork {
  private readonly logger = new Logger(TaskWork.name);

  constructor(
    private readonly queue: TaskQueue,
    private readonly cancellation: TaskCancellation,
    private readonly monitor: DependencyMonitor,
  ) {}

  /**
   * Puts the task in its model's queue. The task is already safe in Postgres; Redis only carries
   * it. If Redis is slow or down the request does not wait: the reconciler enqueues every task
   * that has no job.
   */
  async enqueue(task: TaskEntity): Promise<void> {
    try {
      this.monitor.assertUp(['redis']);
      await within(this.queue.enqueue(task), 'redis');
    } catch (error) {
      this.logger.warn(
        `Task ${task.id} stored but not yet enqueued (${error instanceof Error ? error.message : String(error)}); the reconciler will enqueue it`,
      );
    }
  }

  /**
   * Removes the job if it is waiting; otherwise tells the processor holding it to stop. Best
   * effort: the task's status in Postgres already says it is over, so a job that Redis could not
   * remove now is skipped when a processor takes it, and a processor still working on it has
   * every write refused.
   */
  async stop(task: Pick<TaskEntity, 'id' | 'model'>): Promise<void> {
    const { id } = task;
    try {
      if (!(await within(this.queue.removeJob(task), 'redis'))) await within(this.cancellation.publish(id), 'redis');
    } catch (error) {
      this.logger.warn(
        `Task ${id}: could not reach Redis to stop its job (${error instanceof Error ? error.message : String(error)}); the task is stopped in Postgres`,
      );
    }
  }

  /**
   * Removes the task's waiting job, so that it can be queued again.
   * @returns false while a processor holds the job (it is still being stopped)
   */
  removeJob(task: Pick<TaskEntity, 'id' | 'model'>): Promise<boolean> {
    return within(this.queue.removeJob(task), 'redis');
  }
}
