import { randomUUID } from 'node:crypto';
import { loadConfig } from '@app/config';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTaskStore, scheduledBy, type TaskStore } from '../../../test/support/task-store';
import { CallbackQueue } from './callbacks/callback-queue';
import { TaskEntity } from './task.entity';
import { TaskLifecycle } from './task-lifecycle';
import { TaskRepository } from './task.repository';
import { type Transition, TRANSITIONS } from './task-transitions';
import { TASK_STATUSES, type TaskStatus } from './task.types';

/** The lifecycle against the real Postgres (a throw-away database) and the real callback queue in Redis. */
describe('TaskLifecycle', () => {
  let store: TaskStore;
  let dataSource: DataSource;
  let queue: Queue;
  let lifecycle: TaskLifecycle;
  let repository: TaskRepository;

  beforeAll(async () => {
    store = await openTaskStore('lifecycle');
    ({ dataSource, queue, lifecycle, repository } = store);
  });
  afterAll(() => store?.close());

  beforeEach(async () => {
    await queue.obliterate({ force: true });
  });

  const taskIn = (status: TaskStatus, callbackUrl?: string | null) => store.taskIn(status, callbackUrl);

  const call = (transition: Transition, id: string) => {
    switch (transition) {
      case 'complete':
        return lifecycle.complete(id, {
          result: { text: 'hi', language: 'en', duration: 1, segments: [] },
          engine: 'test',
          processingTime: 0.5,
          language: 'en',
          duration: 1,
          mediaTruncated: false,
        });
      case 'fail':
        return lifecycle.fail(id, 'It broke.', 'decode_failed');
      case 'requeue':
        return lifecycle.requeue(id, 'transient', null);
      default:
        return lifecycle[transition](id);
    }
  };

  const cases = (Object.keys(TRANSITIONS) as Transition[]).flatMap((transition) =>
    TASK_STATUSES.map((from) => [transition, from] as const),
  );

  it.each(cases)(
    '%s from %s: allowed only as the table says, and the row changes only then',
    async (transition, from) => {
      const id = await taskIn(from);
      const allowed = (TRANSITIONS[transition].from as readonly TaskStatus[]).includes(from);
      const result = await call(transition, id);
      const [row] = await dataSource.query<{ status: string }[]>('SELECT status FROM tasks WHERE id = $1', [id]);
      if (allowed) {
        expect(result).toMatchObject({ id, status: TRANSITIONS[transition].to });
        expect(row.status).toBe(TRANSITIONS[transition].to);
      } else {
        expect(result).toBeNull();
        expect(row.status).toBe(from);
      }
    },
  );

  it('returns the task as stored, with the fields of the transition', async () => {
    const id = await taskIn('queued');
    const started = await lifecycle.start(id);
    expect(started).toBeInstanceOf(TaskEntity);
    expect(started).toMatchObject({
      status: 'processing',
      attempts: 1,
      progress: 0,
      error: null,
      callbackAttempts: [],
    });
    expect(started!.startedAt).toBeInstanceOf(Date);
    expect((await lifecycle.start(id))!.attempts).toBe(2); // a job that came back after a crash
    const failed = await lifecycle.fail(id, 'No audio.', 'no_audio');
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'No audio.',
      errorCode: 'no_audio',
      callbackStatus: 'pending',
    });
    expect(failed!.completedAt).toBeInstanceOf(Date);
    const retried = await lifecycle.retry(id);
    expect(retried).toMatchObject({
      status: 'queued',
      error: null,
      errorCode: null,
      completedAt: null,
      callbackStatus: null,
      attempts: 2,
    });
  });

  it('an unknown task is null for every transition', async () => {
    for (const transition of Object.keys(TRANSITIONS) as Transition[])
      expect(await call(transition, randomUUID())).toBeNull();
  });

  it('reaching a final status schedules the callback once; other moves schedule none', async () => {
    const id = await taskIn('queued');
    await lifecycle.start(id);
    await lifecycle.requeue(id);
    await lifecycle.start(id);
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 0 });
    const done = await call('complete', id);
    const jobs = await queue.getJobs(['waiting']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].name).toBe('deliver');
    expect(JSON.parse((jobs[0].data as { body: string }).body)).toMatchObject({
      id,
      status: 'completed',
      result: { text: 'hi' },
    });
    expect(done!.callbackStatus).toBe('pending');
  });

  it('a subscriber that holds the callback runs first: the callback is scheduled after it, once', async () => {
    const id = await taskIn('processing');
    const order: string[] = [];
    const unsubscribe = store.finished.subscribe({
      name: 'a step after the transcript',
      holdsCallback: true,
      onTaskFinished: async ({ task, status }) => {
        order.push(`step saw ${status}, ${await queue.getJobCountByTypes('waiting')} callbacks`);
        return task;
      },
    });
    try {
      await call('complete', id);
    } finally {
      unsubscribe();
    }
    expect(order).toEqual(['step saw completed, 0 callbacks']);
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('a task without callback_url schedules nothing and keeps callback_status null', async () => {
    const id = await taskIn('processing', null);
    expect(await lifecycle.cancel(id)).toMatchObject({ status: 'cancelled', callbackStatus: null });
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 0 });
  });

  it('two concurrent transitions of one task: exactly one wins, and one callback is scheduled', async () => {
    for (let round = 0; round < 10; round++) {
      await queue.obliterate({ force: true });
      const id = await taskIn('processing');
      const results = await Promise.all([
        lifecycle.fail(id, 'crashed', null),
        lifecycle.cancel(id),
        call('complete', id),
      ]);
      const winners = results.filter(Boolean);
      expect(winners).toHaveLength(1);
      const [row] = await dataSource.query<{ status: string }[]>('SELECT status FROM tasks WHERE id = $1', [id]);
      expect(row.status).toBe(winners[0]!.status);
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    }
  });

  it('when Redis cannot take the callback, the final status still holds and the callback stays pending', async () => {
    const offline = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const deadQueue = new Queue('callbacks', { connection: offline, prefix: store.prefix });
    deadQueue.on('error', () => undefined);
    const config = loadConfig({ CALLBACK_SECRET: 'secret' });
    const isolated = new TaskLifecycle(
      dataSource.getRepository(TaskEntity),
      scheduledBy(new CallbackQueue(deadQueue, repository, config)),
    );
    const id = await taskIn('processing');
    expect(await isolated.fail(id, 'broken', null)).toMatchObject({ status: 'failed', callbackStatus: 'pending' });
    await deadQueue.close().catch(() => undefined);
    offline.disconnect();
  });
});
