import { existsSync } from 'node:fs';
import { HarkConfig } from '@app/config';
import { HarkError } from '@app/errors';
import { Injectable } from '@nestjs/common';
import { GetTask } from '../read/get-task.usecase';
import type { TaskCommand } from '../task.command';

/** A task's stored media file, and the name it was uploaded with. */
export interface TaskMediaFile {
  path: string;
  fileName: string | null;
}

/** Finds where a task's stored media is, to be served (for a player: with HTTP Range). */
@Injectable()
export class GetTaskMedia {
  constructor(
    private readonly getTask: GetTask,
    private readonly config: HarkConfig,
  ) {}

  /**
   * @throws HarkError `task_not_found` (404) as `GetTask`; `media_gone` (410) once retention
   *   removed it (MEDIA_RETENTION_HOURS) or the file is no longer there; `task_state_conflict` (409)
   *   for a URL or share-link task whose media is not downloaded yet
   */
  async execute(command: TaskCommand): Promise<TaskMediaFile> {
    const { id } = command;
    const task = await this.getTask.execute(command);
    if (task.mediaRemovedAt) {
      throw new HarkError(
        'media_gone',
        `The media of task ${id} was removed by retention on ${task.mediaRemovedAt.toISOString()} (MEDIA_RETENTION_HOURS=${this.config.mediaRetentionHours} after the task finished); the transcript stays available.`,
      );
    }
    if (!task.mediaPath) {
      throw new HarkError(
        'task_state_conflict',
        `Task ${id} has no media yet: its ${task.source === 'link' ? 'share link' : 'URL'} is downloaded when a processor takes it; try again once it is processing.`,
      );
    }
    if (!existsSync(task.mediaPath))
      throw new HarkError('media_gone', `The media of task ${id} is no longer stored; the transcript stays available.`);
    return { path: task.mediaPath, fileName: task.fileName };
  }
}
