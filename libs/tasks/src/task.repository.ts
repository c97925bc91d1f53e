import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { And, In, IsNull, LessThan, MoreThanOrEqual, type FindOptionsWhere, type Repository } from 'typeorm';
import { TaskEntity } from './task.entity';
import { UNFINISHED_STATUSES } from './task-transitions';
import type { Platform } from '@app/crawlers';
import type {
  CallbackAttempt,
  CallbackStatus,
  LinkMetadata,
  TaskCheckpoint,
  TaskKind,
  TaskPriority,
  TaskSource,
  TaskStatus,
} from './task.types';

/** Fields a client sets when creating a task. */
export type NewTask = Pick<TaskEntity, 'id' | 'task' | 'language' | 'priority' | 'source'> &
  Partial<
    Pick<
      TaskEntity,
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
    >
  >;

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
    return this.changed(await this.repository.update({ id, status: 'processing' }, media));
  }

  /** Records what the share link of a processing `link` task resolved to. */
  async setLink(id: string, link: LinkMetadata): Promise<boolean> {
    return this.changed(await this.repository.update({ id, status: 'processing' }, { link }));
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

  /** Deletes the row; returns whether it existed. */
  async remove(id: string): Promise<boolean> {
    return this.changed(await this.repository.delete({ id }));
  }

  async setCallbackStatus(id: string, status: CallbackStatus): Promise<void> {
    await this.repository.update({ id }, { callbackStatus: status });
  }

  /** Appends a delivery attempt (atomically) and sets the callback status. */
  async recordCallbackAttempt(id: string, attempt: CallbackAttempt, status: CallbackStatus): Promise<void> {
    await this.repository
      .createQueryBuilder()
      .update()
      .set({ callbackStatus: status, callbackAttempts: () => `callback_attempts || :attempt::jsonb` })
      .setParameter('attempt', JSON.stringify([attempt]))
      .where({ id })
      .execute();
  }

  /** Unfinished tasks not updated since `before`, oldest first (for the queue reconciler). */
  findUnfinished(before: Date, limit: number): Promise<Pick<TaskEntity, 'id' | 'status' | 'priority'>[]> {
    return this.repository.find({
      select: { id: true, status: true, priority: true },
      where: { status: In(UNFINISHED_STATUSES), updatedAt: LessThan(before) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }

  private changed(result: { affected?: number | null }): boolean {
    return (result.affected ?? 0) > 0;
  }
}
