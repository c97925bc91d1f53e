import { rm } from 'node:fs/promises';
import { TaskLifecycle, TaskRepository } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { GetTask } from '../read/get-task.usecase';
import type { TaskCommand } from '../task.command';
import { TaskWork } from '../task-work';

/**
 * Deletes a task with its stored media. An unfinished task is cancelled first (its callback, if
 * any, reports `cancelled`).
 */
@Injectable()
export class DeleteTask {
  constructor(
    private readonly getTask: GetTask,
    private readonly lifecycle: TaskLifecycle,
    private readonly work: TaskWork,
    private readonly tasks: TaskRepository,
  ) {}

  /** @throws HarkError `task_not_found` (404) as `GetTask` */
  async execute(command: TaskCommand): Promise<void> {
    const { id } = command;
    const task = await this.getTask.execute(command);
    if (await this.lifecycle.cancel(id)) await this.work.stop(task);
    await this.tasks.remove(id);
    if (task.mediaPath) await rm(task.mediaPath, { force: true });
  }
}
