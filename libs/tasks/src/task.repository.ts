import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { TaskEntity } from './task.entity';
import type { TaskResult, TaskStatus } from './task.types';

/** Fields a client sets when creating a task. */
export type NewTask = Pick<TaskEntity, 'id' | 'task' | 'language' | 'priority' | 'source' | 'fileName' | 'fileSizeBytes' | 'mediaPath' | 'duration'>;

/**
 * Reads and writes tasks in Postgres. State changes are guarded by the expected current status,
 * so a late or duplicate writer (a stalled job that was picked up elsewhere) changes nothing.
 */
@Injectable()
export class TaskRepository {
  constructor(@InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>) {}

  /** Inserts a queued task and returns it as stored. */
  async create(task: NewTask): Promise<TaskEntity> {
    await this.tasks.insert({ ...task, status: 'queued', progress: 0 });
    return this.tasks.findOneByOrFail({ id: task.id });
  }

  findById(id: string): Promise<TaskEntity | null> {
    return this.tasks.findOneBy({ id });
  }

  /** Marks a queued (or re-delivered processing) task as processing and counts the attempt. Returns false when the task is gone or finished. */
  async start(id: string): Promise<boolean> {
    const result = await this.tasks
      .createQueryBuilder()
      .update()
      .set({ status: 'processing', progress: 0, error: null, startedAt: () => 'now()', attempts: () => 'attempts + 1' })
      .where({ id, status: In(['queued', 'processing']) })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Updates progress (0–100) of a processing task. */
  async setProgress(id: string, progress: number): Promise<void> {
    await this.tasks.update({ id, status: 'processing' }, { progress: Math.max(0, Math.min(100, Math.floor(progress))) });
  }

  /** Stores the result of a processing task and marks it completed. */
  async complete(id: string, result: TaskResult, engine: string, processingTime: number): Promise<void> {
    await this.tasks.update(
      { id, status: 'processing' },
      { status: 'completed', progress: 100, result, engine, processingTime, completedAt: new Date(), error: null },
    );
  }

  /** Marks an unfinished task failed with a reason the user can read. */
  async fail(id: string, error: string): Promise<void> {
    await this.tasks.update({ id, status: In(['queued', 'processing']) }, { status: 'failed', error, completedAt: new Date() });
  }

  /** Puts a processing task back in the queue state (after a transient error, before a retry). */
  async requeue(id: string, error: string): Promise<void> {
    await this.tasks.update({ id, status: 'processing' }, { status: 'queued', progress: 0, error });
  }

  /** Unfinished tasks not updated since `before`, oldest first (for the queue reconciler). */
  findUnfinished(before: Date, limit: number): Promise<Pick<TaskEntity, 'id' | 'status' | 'priority'>[]> {
    return this.tasks
      .createQueryBuilder('task')
      .select(['task.id', 'task.status', 'task.priority'])
      .where('task.status IN (:...statuses)', { statuses: ['queued', 'processing'] satisfies TaskStatus[] })
      .andWhere('task.updated_at < :before', { before })
      .orderBy('task.created_at', 'ASC')
      .limit(limit)
      .getMany();
  }
}
