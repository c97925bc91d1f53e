import { HarkConfig } from '@app/config';
import { HarkError } from '@app/errors';
import { CallbackQueue, isFinal, type TaskEntity, within } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { GetTask } from '../read/get-task.usecase';
import type { TaskCommand } from '../task.command';

/** Sends a finished task's callback again, with the same delivery id (`X-Hark-Delivery-Id`). */
@Injectable()
export class RedeliverCallback {
  constructor(
    private readonly getTask: GetTask,
    private readonly callbacks: CallbackQueue,
    private readonly config: HarkConfig,
  ) {}

  /**
   * @returns the task, its callback pending
   * @throws HarkError `task_not_found` (404) as `GetTask`; `callback_unavailable` (409) when the
   *   task has no callback URL or callbacks are disabled (no CALLBACK_SECRET);
   *   `task_state_conflict` (409) when it has not finished; `task_busy` (409) while a processor is
   *   sending its callback
   */
  async execute(command: TaskCommand): Promise<TaskEntity> {
    const { id } = command;
    const task = await this.getTask.execute(command);
    if (!task.callbackUrl) throw new HarkError('callback_unavailable', `Task ${id} has no callback_url.`);
    if (!isFinal(task.status))
      throw new HarkError(
        'task_state_conflict',
        `Task ${id} is ${task.status}; its callback is sent when it finishes.`,
      );
    if (!this.config.callbackSecret)
      throw new HarkError('callback_unavailable', 'Callbacks are disabled: set CALLBACK_SECRET.');
    if (!(await within(this.callbacks.redeliver(task), 'redis'))) {
      throw new HarkError(
        'task_busy',
        `The callback of task ${id} is being sent right now; wait until its callback_status is no longer pending, then redeliver again if it is still needed.`,
        true,
      );
    }
    return this.getTask.execute(command);
  }
}
