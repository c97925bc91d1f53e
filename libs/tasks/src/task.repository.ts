import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { And, In, IsNull, LessThan, MoreThanOrEqual, Not, type FindOptionsWhere, type Repository } from 'typeorm';
import { TaskEntity } from './task.entity';
import { FINAL_STATUSES, UNFINISHED_STATUSES } from './task-transitions';
import type { Platform } from '@app/crawlers';
import type {
  CallbackAttempt,
  CallbackStatus,
  LinkMetadata,
  TaskCheckpoint,
  TaskKind,
  TaskPriority,
  TaskResult,
  TaskSource,
  TaskStatus,
} from './task.types';

/** Fields a client sets when creating a task. */
export type NewTask = Pick<TaskEntity, 'id' | 'task' | 'language' | 'priority' | 'source'> &
  Partial<
    Pick<
      TaskEntity,
      | 'languageRequested'
      | 'model'
      | 'fileName'
      | 'fileSizeBytes'
      | 'mediaPath'
      | 'duration'
      | 'sourceUrl'
      | 'platform'
      | 'decodeOptions'
      | 'callbackUrl'
      | 'callbackIncludeResult'
      | 'apiKeyId'
      | 'apiKeyName'
      | 'idempotencyKey'
      | 'requestHash'
    >
  >;

/** What the end of a callback attempt adds to the attempt recorded at its start. */
export type CallbackAttemptResult = Pick<CallbackAttempt, 'status_code' | 'error' | 'duration_ms'>;

/** Filters of `TaskRepository.list`; each one narrows the result. */
export interface TaskFilter {
  status?: TaskStatus;
  priority?: TaskPriority;
  task?: TaskKind;
  language?: string;
  source?: TaskSource;
  platform?: Platform;
  createdAfter?: Date;
  createdBefore?: Date;
}

/**
 * The API key whose tasks a read is limited to. A task belongs to the key named in its
 * `api_key_name`; a row from before tasks recorded key names (`api_key_name` null) belongs to the
 * key whose secret has its `api_key_id`.
 */
export interface TaskOwner {
  name: string;
  id: string;
}

/** `where`, limited to the tasks of `owner` (unchanged without an owner). */
function ownedBy(
  where: FindOptionsWhere<TaskEntity>,
  owner: TaskOwner | undefined,
): FindOptionsWhere<TaskEntity> | FindOptionsWhere<TaskEntity>[] {
  if (!owner) return where;
  return [
    { ...where, apiKeyName: owner.name },
    { ...where, apiKeyName: IsNull(), apiKeyId: owner.id },
  ];
}

/**
 * Reads tasks and writes what is not their status (status belongs to `TaskLifecycle`). The
 * processor's writes (media, link, progress) are guarded by `status = 'processing'`, so a late
 * writer (a processor still working on a task that was cancelled or deleted) changes nothing.
 */
/**
 * A raw `RETURNING *` row as an entity (column names, types and transformers as TypeORM maps them),
 * for the statements that update and return a task in one go (here and in `TaskLifecycle`).
 */
export function hydrateTask(repository: Repository<TaskEntity>, row: Record<string, unknown>): TaskEntity {
  const { metadata, manager } = repository;
  const task = repository.create();
  for (const column of metadata.columns)
    column.setEntityValue(task, manager.connection.driver.prepareHydratedValue(row[column.databaseName], column));
  return task;
}

@Injectable()
export class TaskRepository {
  constructor(@InjectRepository(TaskEntity) private readonly repository: Repository<TaskEntity>) {}

  /** Inserts a queued task and returns it as stored. */
  async create(task: NewTask): Promise<TaskEntity> {
    // The status column's default, `queued`, is a new task's status (see TRANSITIONS).
    await this.repository.insert(task);
    return this.repository.findOneByOrFail({ id: task.id });
  }

  /** The task with this id; with `owner`, only when it belongs to that key (null otherwise). */
  findById(id: string, owner?: TaskOwner): Promise<TaskEntity | null> {
    return this.repository.findOneBy(ownedBy({ id }, owner));
  }

  /** One page of tasks, newest first, and how many match in all; with `owner`, only that key's tasks. */
  async list(
    filter: TaskFilter,
    limit: number,
    offset: number,
    owner?: TaskOwner,
  ): Promise<{ items: TaskEntity[]; total: number }> {
    const given = {
      status: filter.status,
      priority: filter.priority,
      task: filter.task,
      language: filter.language,
      source: filter.source,
      platform: filter.platform,
    };
    // TypeORM 1.x refuses undefined in `where`, so only the filters that were given go in.
    const where = Object.fromEntries(
      Object.entries(given).filter(([, value]) => value !== undefined),
    ) as FindOptionsWhere<TaskEntity>;
    const after = filter.createdAfter && MoreThanOrEqual(filter.createdAfter);
    const before = filter.createdBefore && LessThan(filter.createdBefore);
    if (after || before) where.createdAt = after && before ? And(after, before) : (after ?? before);
    const [items, total] = await this.repository.findAndCount({
      where: ownedBy(where, owner),
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  /** How many queued or processing tasks an API key has. */
  countUnfinished(owner: TaskOwner): Promise<number> {
    return this.repository.countBy(ownedBy({ status: In(UNFINISHED_STATUSES) }, owner));
  }

  /** Records the downloaded media of a processing `url` task. */
  async setMedia(
    id: string,
    media: Pick<TaskEntity, 'mediaPath' | 'fileName' | 'fileSizeBytes' | 'duration'>,
  ): Promise<boolean> {
    // A download replaces media that retention removed (a `url` or `link` task retried).
    return this.changed(await this.repository.update({ id, status: 'processing' }, { ...media, mediaRemovedAt: null }));
  }

  /** Records what the share link of a processing `link` task resolved to. */
  async setLink(id: string, link: LinkMetadata): Promise<boolean> {
    return this.changed(await this.repository.update({ id, status: 'processing' }, { link }));
  }

  /**
   * Records the progress (0–100) of a task still `processing`, for work after its last checkpoint
   * (speaker diarization).
   * @returns false when the task is no longer processing
   */
  async saveProgress(id: string, progress: number): Promise<boolean> {
    return this.changed(
      await this.repository.update(
        { id, status: 'processing' },
        { progress: Math.max(0, Math.min(100, Math.floor(progress))) },
      ),
    );
  }

  /** Saves the progress (0–100) and the checkpoint of a processing task, after each decoded chunk. */
  async saveCheckpoint(id: string, progress: number, checkpoint: TaskCheckpoint): Promise<boolean> {
    return this.changed(
      await this.repository
        .createQueryBuilder()
        .update()
        .set({ progress: Math.max(0, Math.min(100, Math.floor(progress))), checkpoint: () => ':checkpoint::jsonb' })
        .setParameter('checkpoint', JSON.stringify(checkpoint))
        .where({ id, status: 'processing' })
        .execute(),
    );
  }

  /**
   * Replaces the transcript of a completed task (e.g. its speakers renamed), in one guarded
   * statement that is not a status change: only while the task is `completed` and, with
   * `previous`, still has that transcript (compared as jsonb), so of two concurrent edits made from
   * one reading, the later does not silently undo the earlier.
   * @param previous the transcript the edit was made from; undefined: no check
   * @returns the task as it is now, or null when it is gone, not completed, or its transcript is no
   *   longer `previous`
   */
  async saveResult(id: string, result: TaskResult, previous?: TaskResult): Promise<TaskEntity | null> {
    const query = this.repository
      .createQueryBuilder()
      .update(TaskEntity)
      .set({ result: () => 'CAST(:result AS jsonb)' })
      .setParameter('result', JSON.stringify(result))
      .where('id = :id AND status = :status', { id, status: 'completed' satisfies TaskStatus });
    if (previous) query.andWhere('result = CAST(:previous AS jsonb)', { previous: JSON.stringify(previous) });
    const updated = await query.returning('*').execute();
    const row = (updated.raw as Record<string, unknown>[])[0];
    return row ? hydrateTask(this.repository, row) : null;
  }

  /** Deletes the row; returns whether it existed. */
  async remove(id: string): Promise<boolean> {
    return this.changed(await this.repository.delete({ id }));
  }

  async setCallbackStatus(id: string, status: CallbackStatus): Promise<void> {
    await this.repository.update({ id }, { callbackStatus: status });
  }

  /**
   * Marks a pending callback `failed` (its delivery job failed without the task being told, e.g. it
   * stalled too often). Only while it is still pending for this delivery id; returns whether it was.
   */
  async failPendingCallback(id: string, deliveryId: string): Promise<boolean> {
    return this.changed(
      await this.repository.update(
        { id, callbackStatus: 'pending', callbackDeliveryId: deliveryId },
        { callbackStatus: 'failed' },
      ),
    );
  }

  /**
   * The task's `callback_delivery_id`, given one now if it has a callback URL but no id yet (tasks
   * that finished before delivery ids existed). Null without a callback URL, or when the task is gone.
   */
  async ensureCallbackDeliveryId(id: string): Promise<string | null> {
    const result = await this.repository
      .createQueryBuilder()
      .update(TaskEntity)
      .set({ callbackDeliveryId: () => 'COALESCE(callback_delivery_id, gen_random_uuid())' })
      .where('id = :id AND callback_url IS NOT NULL', { id })
      .returning('callback_delivery_id')
      .execute();
    const [row] = result.raw as { callback_delivery_id: string }[];
    return row?.callback_delivery_id ?? null;
  }

  /**
   * Appends a delivery attempt as it starts (atomically; `status_code`, `error` and `duration_ms`
   * still null), so an attempt cut short by a crash stays on record.
   * @param deliveryId the delivery the attempt belongs to: nothing is recorded when the task's
   *   `callback_delivery_id` is another one (the task was retried meanwhile); undefined: no check
   * @returns where the attempt is in `callback_attempts`, for `finishCallbackAttempt`; null when
   *   nothing was recorded (the task is gone, or belongs to another delivery)
   */
  async startCallbackAttempt(
    id: string,
    deliveryId: string | undefined,
    attempt: CallbackAttempt,
  ): Promise<number | null> {
    const query = this.repository
      .createQueryBuilder()
      .update(TaskEntity)
      .set({ callbackAttempts: () => `callback_attempts || CAST(:attempt AS jsonb)` })
      .setParameter('attempt', JSON.stringify([attempt]))
      .where('id = :id', { id });
    if (deliveryId) query.andWhere('callback_delivery_id = :deliveryId', { deliveryId });
    const result = await query.returning('jsonb_array_length(callback_attempts) - 1 AS attempt_index').execute();
    const [row] = result.raw as { attempt_index: number }[];
    return row ? Number(row.attempt_index) : null;
  }

  /**
   * Completes the attempt `startCallbackAttempt` recorded (found by its index and start time) with
   * its result, and sets the callback status. Nothing changes when the task is gone or now belongs
   * to another delivery.
   */
  async finishCallbackAttempt(
    id: string,
    deliveryId: string | undefined,
    started: { index: number; at: string },
    result: CallbackAttemptResult,
    status: CallbackStatus,
  ): Promise<void> {
    const query = this.repository
      .createQueryBuilder()
      .update(TaskEntity)
      .set({
        callbackStatus: status,
        callbackAttempts: () =>
          'jsonb_set(callback_attempts, ARRAY[CAST(:index AS text)], (callback_attempts -> CAST(:index AS int)) || CAST(:result AS jsonb))',
      })
      .setParameters({ index: started.index, result: JSON.stringify(result), at: started.at })
      .where('id = :id', { id })
      .andWhere(`callback_attempts -> CAST(:index AS int) ->> 'at' = :at`);
    if (deliveryId) query.andWhere('callback_delivery_id = :deliveryId', { deliveryId });
    await query.execute();
  }

  /**
   * Finished tasks whose callback is `pending` and that have not changed since `before`, least
   * recently changed first (for the queue reconciler: each must have a delivery job).
   */
  findPendingCallbacks(before: Date, limit: number): Promise<TaskEntity[]> {
    return this.repository.find({
      where: {
        status: In(FINAL_STATUSES),
        callbackStatus: 'pending',
        callbackUrl: Not(IsNull()),
        updatedAt: LessThan(before),
      },
      order: { updatedAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * Runs `work` in a transaction that holds a transaction-scoped advisory lock on (owner, key), with
   * a repository bound to that transaction: requests with one owner's `Idempotency-Key` run one at a
   * time, and each sees the task the one before it committed.
   * @param ownerName the owner key's name (`api_key_name`); null when the service has no keys
   */
  withIdempotencyLock<T>(
    ownerName: string | null,
    key: string,
    work: (tasks: TaskRepository) => Promise<T>,
  ): Promise<T> {
    const lock = JSON.stringify(['hark:idempotency', ownerName, key]);
    return this.repository.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lock]);
      return work(new TaskRepository(manager.getRepository(TaskEntity)));
    });
  }

  /**
   * The newest task created since `since` with this `Idempotency-Key` by this owner.
   * @param ownerName the owner key's name (`api_key_name`); null when the service has no keys
   */
  findByIdempotencyKey(ownerName: string | null, key: string, since: Date): Promise<TaskEntity | null> {
    return this.repository.findOne({
      where: { apiKeyName: ownerName ?? IsNull(), idempotencyKey: key, createdAt: MoreThanOrEqual(since) },
      order: { createdAt: 'DESC' },
    });
  }

  /** Unfinished tasks not updated since `before`, oldest first (for the queue reconciler). */
  findUnfinished(before: Date, limit: number): Promise<Pick<TaskEntity, 'id' | 'status' | 'priority' | 'model'>[]> {
    return this.repository.find({
      select: { id: true, status: true, priority: true, model: true },
      where: { status: In(UNFINISHED_STATUSES), updatedAt: LessThan(before) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * Media retention: takes up to `limit` finished tasks (completed, failed, cancelled) that finished
   * before `before` and still have media, clears their `media_path` and sets `media_removed_at`, in
   * one statement, and returns the files to delete. Rows that another api node is handling right now
   * are skipped (`SKIP LOCKED`), so every node can run it at once and each file is returned once; a
   * task that left its final status meanwhile (a retry) is not taken.
   */
  async releaseExpiredMedia(before: Date, limit: number): Promise<{ id: string; mediaPath: string }[]> {
    const [rows] = await this.repository.query<[{ id: string; media_path: string }[], number]>(
      `WITH due AS (
         SELECT id, media_path FROM tasks
         WHERE status = ANY($1) AND media_path IS NOT NULL AND completed_at < $2
         ORDER BY completed_at LIMIT $3
         FOR UPDATE SKIP LOCKED)
       UPDATE tasks SET media_path = NULL, media_removed_at = now(), updated_at = now()
       FROM due WHERE tasks.id = due.id AND tasks.status = ANY($1)
       RETURNING tasks.id, due.media_path`,
      [FINAL_STATUSES, before, limit],
    );
    return rows.map((row) => ({ id: row.id, mediaPath: row.media_path }));
  }

  /**
   * Task retention: deletes up to `limit` finished tasks that finished before `before` and returns
   * their ids and media files (to delete). Safe on every api node at once, like `releaseExpiredMedia`.
   */
  async deleteExpired(before: Date, limit: number): Promise<{ id: string; mediaPath: string | null }[]> {
    const [rows] = await this.repository.query<[{ id: string; media_path: string | null }[], number]>(
      `WITH due AS (
         SELECT id FROM tasks
         WHERE status = ANY($1) AND completed_at < $2
         ORDER BY completed_at LIMIT $3
         FOR UPDATE SKIP LOCKED)
       DELETE FROM tasks USING due WHERE tasks.id = due.id AND tasks.status = ANY($1)
       RETURNING tasks.id, tasks.media_path`,
      [FINAL_STATUSES, before, limit],
    );
    return rows.map((row) => ({ id: row.id, mediaPath: row.media_path }));
  }

  /**
   * Which of these file names (the last part of a stored path, e.g. an upload's generated name) a
   * task's `media_path` ends with. Compared by name rather than by whole path, so a file is never
   * taken for an orphan because an api node mounts STORAGE_DIR at another path.
   */
  async referencedMediaNames(names: readonly string[]): Promise<Set<string>> {
    if (!names.length) return new Set();
    const rows = await this.repository.query<{ name: string }[]>(
      `SELECT DISTINCT regexp_replace(media_path, '^.*/', '') AS name FROM tasks
       WHERE media_path IS NOT NULL AND regexp_replace(media_path, '^.*/', '') = ANY($1)`,
      [names],
    );
    return new Set(rows.map((row) => row.name));
  }

  private changed(result: { affected?: number | null }): boolean {
    return (result.affected ?? 0) > 0;
  }
}
