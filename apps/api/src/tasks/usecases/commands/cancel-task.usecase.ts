import { HarkError } from '@app/errors';
import { type TaskEntity, TaskLifecycle } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { GetTask } from '../read/get-task.usecase';
import type { TaskCommand } from '../task.command';
import { TaskWork } from '../task-work';

/**
 * Cancels a queued or processing task: its job leaves the queue, or the processor working on it
 * stops; the task keeps its row (status `cancelled`) and can be retried.
 */
@Injectable()
export class CancelTask {
  constructor(
    private readonly getTask: GetTask,
    private readonly lifecycle: TaskLifecycle,
    private readonly work: TaskWork,
  ) {}

  /**
   * @returns the task, cancelled
   * @throws HarkError `task_not_found` (404) as `GetTask`; `task_state_conflict` (409) when the task already finished
   */
  async execute(command: TaskCommand): Promise<TaskEntity> {
    const { id } = command;
    const task = await this.getTask.execute(command);
    const cancelled = await this.lifecycle.cancel(id);
    if (!cancelled) {
      throw new HarkError(
        'task_state_conflict',
        `Task ${id} is ${task.status}; only queued or processing tasks can be cancelled.`,
      );
    }
    await this.work.stop(task);
    return cancelled;
  }
}
