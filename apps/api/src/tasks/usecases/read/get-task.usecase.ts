import { HarkError } from '@app/errors';
import { type TaskEntity, TaskRepository } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import type { TaskCommand } from '../task.command';
import { scopeOf } from './task-scope';

/**
 * Reads one task for a request. A task belongs to the API key that created it: other keys (except
 * admin keys) get 404 for it, as if it did not exist.
 */
@Injectable()
export class GetTask {
  constructor(private readonly tasks: TaskRepository) {}

  /**
   * The task, if the command's principal may see it (see `scopeOf`).
   * @throws HarkError `task_not_found` (404) when no task has this id, or it belongs to another key
   *   (the same answer, so ids of other keys' tasks cannot be probed)
   */
  async execute({ id, principal }: TaskCommand): Promise<TaskEntity> {
    const task = await this.tasks.findById(id, scopeOf(principal));
    if (!task)
      throw new HarkError('task_not_found', `No task with id ${id}. Check the id returned by POST /api/v1/tasks.`);
    return task;
  }
}
