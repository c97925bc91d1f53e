import { HarkConfig } from '@app/config';
import { HarkError } from '@app/errors';
import { type TaskEntity, TaskLifecycle, type TaskStatus, TRANSITIONS } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { GetTask } from '../read/get-task.usecase';
import type { TaskCommand } from '../task.command';
import { TaskWork } from '../task-work';

/**
 * Runs a failed or cancelled task again (a new attempt, same id). A `url` or `link` task downloads
 * its media again; an upload needs its stored file.
 */
@Injectable()
export class RetryTask {
  constructor(
    private readonly getTask: GetTask,
    private readonly lifecycle: TaskLifecycle,
    private readonly work: TaskWork,
    private readonly config: HarkConfig,
  ) {}

  /**
   * @returns the task, queued again
   * @throws HarkError `task_not_found` (404) as `GetTask`; `task_state_conflict` (409) for a task
   *   that is not failed or cancelled; `task_busy` (409) while a processor is still stopping it, or
   *   when it changed meanwhile; `media_gone` (410) for an upload whose media retention removed
   *   (MEDIA_RETENTION_HOURS)
   */
  async execute(command: TaskCommand): Promise<TaskEntity> {
    const { id } = command;
    const task = await this.getTask.execute(command);
    const retryable: readonly TaskStatus[] = TRANSITIONS.retry.from;
    if (!retryable.includes(task.status)) {
      throw new HarkError(
        'task_state_conflict',
        `Task ${id} is ${task.status}; only ${retryable.join(' or ')} tasks can be retried.`,
      );
    }
    if (task.source === 'upload' && task.mediaRemovedAt) throw this.mediaGone(id, task.mediaRemovedAt);
    if (!(await this.work.removeJob(task)))
      throw new HarkError(
        'task_busy',
        `Task ${id} is still being stopped by a processor; retry in a few seconds.`,
        true,
      );
    const queued = await this.lifecycle.retry(id);
    if (!queued) throw new HarkError('task_busy', `Task ${id} changed meanwhile; fetch it and try again.`, true);
    if (queued.source === 'upload' && !queued.mediaPath) {
      // Retention removed the media between the check above and the retry: the attempt cannot run.
      const error = this.mediaGone(id, queued.mediaRemovedAt ?? new Date());
      await this.lifecycle.fail(id, error.message, 'media_gone');
      throw error;
    }
    await this.work.enqueue(queued);
    return queued;
  }

  /** 410 for a retry of an upload whose media retention removed. */
  private mediaGone(id: string, removedAt: Date): HarkError {
    return new HarkError(
      'media_gone',
      `The media of task ${id} was removed by retention on ${removedAt.toISOString()} (MEDIA_RETENTION_HOURS=${this.config.mediaRetentionHours} after the task finished), so it cannot run again. Create a new task with the file (POST /api/v1/tasks); the result of this one, if any, stays available.`,
    );
  }
}
