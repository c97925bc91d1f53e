import { randomUUID } from 'node:crypto';
import { type HarkConfig, loadConfig } from '@app/config';
import {
  CallbackQueue,
  CallbackScheduler,
  type DeliverCallbackJobData,
  TaskEntity,
  TaskFinishedBus,
  TaskLifecycle,
  TaskRepository,
  type TaskStatus,
} from '@app/tasks';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from './database';
import { testRedisUrl } from './env';

/**
 * The task store of a spec, on real services: a throw-away migrated Postgres database and the
 * callback queue in Redis under a prefix of its own, with the repository, `CallbackQueue` and
 * `TaskLifecycle` built on them (no Nest; the callback scheduled by `CallbackScheduler`, subscribed
 * to the lifecycle's `TaskFinished` as in the apps). `close()` removes it all.
 */
export interface TaskStore {
  database: TestDatabase;
  dataSource: DataSource;
  config: HarkConfig;
  /** The Redis key prefix of this store's queues. */
  prefix: string;
  connection: { url: string };
  queue: Queue<DeliverCallbackJobData>;
  repository: TaskRepository;
  callbacks: CallbackQueue;
  /** The lifecycle's `TaskFinished` bus (the callback scheduler subscribed). */
  finished: TaskFinishedBus;
  lifecycle: TaskLifecycle;
  /**
   * Inserts an upload task and puts it in `status` directly (a test's starting point, not a
   * lifecycle move), with a callback URL unless `callbackUrl` is null.
   * @returns its id
   */
  taskIn(status: TaskStatus, callbackUrl?: string | null): Promise<string>;
  close(): Promise<void>;
}

/** A `TaskFinished` bus on which `callbacks` schedules each finished task's callback. */
export function scheduledBy(callbacks: CallbackQueue): TaskFinishedBus {
  const finished = new TaskFinishedBus();
  new CallbackScheduler(finished, callbacks);
  return finished;
}

/** Opens a task store; `name` goes into the Redis prefix. */
export async function openTaskStore(name: string): Promise<TaskStore> {
  const database = await createTestDatabase({ migrate: true });
  const dataSource = await new DataSource({ type: 'postgres', url: database.url, entities: [TaskEntity] }).initialize();
  const prefix = `hark-test-${name}-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    CALLBACK_SECRET: 'secret',
  });
  const connection = { url: config.redisUrl };
  const queue = new Queue<DeliverCallbackJobData>('callbacks', { connection, prefix });
  const repository = new TaskRepository(dataSource.getRepository(TaskEntity));
  const callbacks = new CallbackQueue(queue, repository, config);
  const finished = scheduledBy(callbacks);
  const lifecycle = new TaskLifecycle(dataSource.getRepository(TaskEntity), finished);
  return {
    database,
    dataSource,
    config,
    prefix,
    connection,
    queue,
    repository,
    callbacks,
    finished,
    lifecycle,
    async taskIn(status, callbackUrl = 'https://receiver.example/hook') {
      const id = randomUUID();
      await repository.create({
        id,
        task: 'transcribe',
        language: null,
        priority: 'normal',
        source: 'upload',
        callbackUrl,
      });
      if (status !== 'queued') await dataSource.query('UPDATE tasks SET status = $2 WHERE id = $1', [id, status]);
      return id;
    },
    async close() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await dataSource.destroy();
      await database.drop();
    },
  };
}
