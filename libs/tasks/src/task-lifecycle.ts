import type { ErrorCode } from '@app/errors';
import { Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { QueryDeepPartialEntity, Repository } from 'typeorm';
import { TaskEntity } from './task.entity';
import { statusEvent, TaskEvents } from './task-events';
import { TaskFinishedBus } from './task-finished';
import { hydrateTask } from './task.repository';
import { isFinal, type Transition, TRANSITIONS } from './task-transitions';
import type { TaskResult } from './task.types';

/** What `complete` stores. `processingTime` in seconds. */
export interface TaskOutcome {
  result: TaskResult;
  engine: string;
  processingTime: number;
  /** The language the transcript was decoded in (requested or detected); null when no speech was found. */
  language: string | null;
  /** Seconds of audio decoded (replaces ffprobe's duration from the header). */
  duration: number;
  /** Whether the decoded audio ended well before the duration the file's header states. */
  mediaTruncated: boolean;
}

type Changes = QueryDeepPartialEntity<TaskEntity>;

/**
 * The one owner of task status. Each transition is a single guarded
 * `UPDATE tasks SET … WHERE id = $1 AND status IN (<allowed>) RETURNING *` (allowed statuses from
 * `TRANSITIONS`) and returns the task as it is now, or null when the task is gone or was not in an
 * allowed status — so of two concurrent transitions of one task exactly one wins, and a late
 * writer (a processor still working on a cancelled task) changes nothing.
 *
 * Reaching a final status also marks the callback `pending` (with a new delivery id) in the same
 * statement, and raises `TaskFinished` (`TaskFinishedBus`; the callback's delivery is scheduled by
 * its subscriber `CallbackScheduler`): exactly once per outcome, because only the winning
 * transition gets a task back. The move resolves once the subscribers have run.
 */
@Injectable()
export class TaskLifecycle {
  constructor(
    @InjectRepository(TaskEntity) private readonly repository: Repository<TaskEntity>,
    private readonly finished: TaskFinishedBus,
    @Optional() private readonly events?: TaskEvents,
  ) {}

  /** queued | processing → processing: a processor starts an attempt (counted in `attempts`). */
  start(id: string): Promise<TaskEntity | null> {
    return this.transition('start', id, {
      progress: 0,
      error: null,
      errorCode: null,
      startedAt: () => 'now()',
      attempts: () => 'attempts + 1',
    });
  }

  /** processing → completed, with the transcript (the checkpoint is dropped). */
  complete(id: string, outcome: TaskOutcome): Promise<TaskEntity | null> {
    return this.transition('complete', id, {
      ...outcome,
      progress: 100,
      error: null,
      errorCode: null,
      checkpoint: null, // the result replaces it
      completedAt: () => 'now()',
    });
  }

  /** queued | processing → failed, with a reason the user can read and its class (`error_code`). */
  fail(id: string, error: string, errorCode: ErrorCode | null = null): Promise<TaskEntity | null> {
    return this.transition('fail', id, { error, errorCode, completedAt: () => 'now()' });
  }

  /** queued | processing → cancelled. */
  cancel(id: string): Promise<TaskEntity | null> {
    return this.transition('cancel', id, { completedAt: () => 'now()' });
  }

  /**
   * processing → queued: the attempt ended with a transient error (its message is kept in `error`
   * until the next attempt starts) or was handed back at shutdown (`error` null).
   */
  requeue(id: string, error: string | null = null, errorCode: ErrorCode | null = null): Promise<TaskEntity | null> {
    return this.transition('requeue', id, { progress: 0, error, errorCode });
  }

  /**
   * failed | cancelled → queued for a new attempt, clearing the outcome of the last one (`language`
   * goes back to the requested one).
   */
  retry(id: string): Promise<TaskEntity | null> {
    return this.transition('retry', id, {
      language: () => 'language_requested',
      mediaTruncated: null,
      progress: 0,
      error: null,
      errorCode: null,
      result: null,
      engine: null,
      startedAt: null,
      completedAt: null,
      processingTime: null,
      callbackStatus: null,
      callbackAttempts: [],
      callbackDeliveryId: null,
      checkpoint: null,
    });
  }

  private async transition(name: Transition, id: string, changes: Changes): Promise<TaskEntity | null> {
    const { from, to } = TRANSITIONS[name];
    const final = isFinal(to);
    const result = await this.repository
      .createQueryBuilder()
      .update(TaskEntity)
      .set({
        ...changes,
        status: to,
        ...(final
          ? {
              callbackStatus: () => `CASE WHEN callback_url IS NULL THEN callback_status ELSE 'pending' END`,
              callbackDeliveryId: () => `CASE WHEN callback_url IS NULL THEN NULL ELSE gen_random_uuid() END`,
            }
          : {}),
      })
      .where('id = :id AND status IN (:...from)', { id, from })
      .returning('*')
      .execute();
    const row = (result.raw as Record<string, unknown>[])[0];
    if (!row) return null;
    const task = hydrateTask(this.repository, row);
    if (isFinal(task.status)) await this.finished.emit({ status: task.status, task });
    await this.events?.publish(task.id, statusEvent(task));
    return task;
  }
}
