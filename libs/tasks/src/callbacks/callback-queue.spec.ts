import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTaskStore, type TaskStore } from '../../../../test/support/task-store';
import { waitFor } from '../../../../test/support/wait';
import { callbackJobId, type DeliverCallbackJobData } from '../queue.contract';
import { TaskEntity } from '../task.entity';
import { TaskLifecycle } from '../task-lifecycle';
import { TaskRepository } from '../task.repository';
import { CallbackQueue } from './callback-queue';

/**
 * The callback producer and the attempt records against the real Postgres (a throw-away database)
 * and the real callback queue in Redis: one job per delivery id, redelivery with the same id, and
 * attempts recorded at their start.
 */
describe('CallbackQueue and callback attempts', () => {
  let store: TaskStore;
  let dataSource: DataSource;
  let queue: Queue<DeliverCallbackJobData>;
  let callbacks: CallbackQueue;
  let lifecycle: TaskLifecycle;
  let repository: TaskRepository;

  beforeAll(async () => {
    store = await openTaskStore('callbacks');
    ({ dataSource, queue, callbacks, lifecycle, repository } = store);
  });
  afterAll(() => store?.close());

  beforeEach(async () => {
    await queue.obliterate({ force: true });
  });

  /** A processing task with a callback URL, failed now: its callback is pending with a new delivery id. */
  async function finishedTask(): Promise<TaskEntity> {
    const id = await store.taskIn('processing');
    return (await lifecycle.fail(id, 'It broke.', 'decode_failed'))!;
  }

  /** Runs the callback queue's jobs with `work` until `until` holds. */
  async function runJobs(work: () => Promise<void>, until: () => Promise<boolean>): Promise<Worker> {
    const worker = new Worker('callbacks', work, { connection: store.connection, prefix: store.prefix });
    await waitFor(until, { what: 'the callback worker to get there', timeoutMs: 10_000 });
    return worker;
  }

  it('one job per delivery: scheduling it again adds nothing; its payload carries the delivery id', async () => {
    const task = await finishedTask();
    expect(task.callbackDeliveryId).toMatch(/^[0-9a-f-]{36}$/);
    await callbacks.enqueue(task);
    await callbacks.enqueue(task);
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.map((job) => job.id)).toEqual([callbackJobId(task.callbackDeliveryId!)]);
    expect(jobs[0].data).toMatchObject({ taskId: task.id, deliveryId: task.callbackDeliveryId });
  });

  it('redeliver replaces the finished job with a new one of the same delivery id; refused while it is being sent', async () => {
    const task = await finishedTask();
    const jobId = callbackJobId(task.callbackDeliveryId!);
    const done = await runJobs(
      () => Promise.resolve(),
      async () => (await queue.getJobState(jobId)) === 'completed',
    );
    await done.close();
    await repository.setCallbackStatus(task.id, 'delivered');
    await callbacks.enqueue(task); // a finished job blocks a plain re-add …
    expect(await queue.getJobState(jobId)).toBe('completed');

    expect(await callbacks.redeliver(task)).toBe(true); // … a redelivery replaces it
    expect(await queue.getJobState(jobId)).toBe('waiting');
    const row = await repository.findById(task.id);
    expect(row).toMatchObject({ callbackStatus: 'pending', callbackDeliveryId: task.callbackDeliveryId });

    let release!: () => void;
    const busy = await runJobs(
      () => new Promise<void>((resolve) => (release = resolve)),
      async () => (await queue.getJobState(jobId)) === 'active',
    );
    expect(await callbacks.redeliver(task)).toBe(false);
    expect(await queue.getJobState(jobId)).toBe('active');
    release();
    await busy.close();
  });

  it('a task without a delivery id (finished before they existed) gets one when its callback is sent again', async () => {
    const task = await finishedTask();
    await dataSource.query('UPDATE tasks SET callback_delivery_id = NULL WHERE id = $1', [task.id]);
    expect(await callbacks.redeliver({ ...task, callbackDeliveryId: null })).toBe(true);
    const row = await repository.findById(task.id);
    expect(row!.callbackDeliveryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await queue.getJobState(callbackJobId(row!.callbackDeliveryId!))).toBe('waiting');
  });

  it('an attempt is on record from its start, and its end completes that same entry', async () => {
    const task = await finishedTask();
    const deliveryId = task.callbackDeliveryId!;
    const start = (at: string) =>
      repository.startCallbackAttempt(task.id, deliveryId, {
        at,
        delivery_id: deliveryId,
        status_code: null,
        error: null,
        duration_ms: null,
      });
    const first = '2026-01-01T00:00:00.000Z';
    const second = '2026-01-01T00:00:10.000Z';
    expect(await start(first)).toBe(0);
    expect((await repository.findById(task.id))!.callbackAttempts).toEqual([
      { at: first, delivery_id: deliveryId, status_code: null, error: null, duration_ms: null },
    ]);
    // The first attempt never ends (its processor died); the second one does.
    expect(await start(second)).toBe(1);
    await repository.finishCallbackAttempt(
      task.id,
      deliveryId,
      { index: 1, at: second },
      { status_code: 200, error: null, duration_ms: 7 },
      'delivered',
    );
    const row = await repository.findById(task.id);
    expect(row!.callbackStatus).toBe('delivered');
    expect(row!.callbackAttempts).toEqual([
      { at: first, delivery_id: deliveryId, status_code: null, error: null, duration_ms: null },
      { at: second, delivery_id: deliveryId, status_code: 200, error: null, duration_ms: 7 },
    ]);
  });

  it("an attempt of another delivery (the task was retried meanwhile) leaves the task's record alone", async () => {
    const task = await finishedTask();
    const stale = randomUUID();
    const at = new Date().toISOString();
    const attempt = (deliveryId: string) => ({
      at,
      delivery_id: deliveryId,
      status_code: null,
      error: null,
      duration_ms: null,
    });
    expect(await repository.startCallbackAttempt(task.id, stale, attempt(stale))).toBeNull();
    const current = attempt(task.callbackDeliveryId!);
    expect(await repository.startCallbackAttempt(task.id, task.callbackDeliveryId!, current)).toBe(0);
    await repository.finishCallbackAttempt(
      task.id,
      stale,
      { index: 0, at },
      { status_code: 200, error: null, duration_ms: 1 },
      'delivered',
    );
    const row = await repository.findById(task.id);
    expect(row).toMatchObject({ callbackStatus: 'pending', callbackAttempts: [current] });
  });
});
