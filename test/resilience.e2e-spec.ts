import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';
import { waitFor } from './support/wait';
import { expectWellFormedSegments } from './support/transcript-checks';

/**
 * Short lock and stall check, so a killed processor's job is recovered within seconds; one task at
 * a time, so the order in which tasks start is the priority order.
 */
const FAST_RECOVERY = {
  JOB_LOCK_MS: '4000',
  JOB_STALLED_INTERVAL_MS: '2000',
  RECONCILE_INTERVAL_MS: '1000',
  WORKER_CONCURRENCY: '1',
};

describe('queueing semantics: priority, crashes, lost Redis data, undecodable media', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create(FAST_RECOVERY);
    await stack.startApi();
  });
  afterAll(() => stack?.destroy());

  async function stopProcessors(): Promise<void> {
    await Promise.all(stack.processes.filter((app) => app.name === 'processor').map((app) => app.stop()));
  }

  it('a processor killed with SIGKILL mid-job: the next processor finishes the task, result stored once', async () => {
    const first = await stack.startProcessor();
    const { body: created } = await upload(stack.baseUrl, audioPath('long-en-concat-16k.wav'));
    // Wait until the first processor is well into the file.
    await waitFor(
      async () => {
        const { body: task } = await getJson(stack.baseUrl, `/api/v1/tasks/${created.id}`);
        expect(task.status).not.toBe('completed');
        return task;
      },
      {
        until: (task) => task.status === 'processing' && task.progress >= 10,
        what: `task ${created.id} processing, at 10 % or more`,
      },
    );
    await first.stop('SIGKILL');
    const [{ status: afterKill }] = await stack.sql<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [
      created.id,
    ]);
    expect(afterKill).toBe('processing');

    await stack.startProcessor();
    const { task } = await waitForTask(stack.baseUrl, created.id);
    expect(task.status, task.error).toBe('completed');
    expectWellFormedSegments(task.result.segments, task.duration); // ids 0..n-1, ordered: no duplicated segments
    const [row] = await stack.sql<{ attempts: number }>('SELECT attempts FROM tasks WHERE id = $1', [created.id]);
    expect(row.attempts).toBe(2);
    await stopProcessors();
  });

  it('tasks are taken by priority: high before normal before low', async () => {
    const ids: Record<string, string> = {};
    for (const priority of ['low', 'normal', 'high']) {
      ids[priority] = (await upload(stack.baseUrl, audioPath('zh-funasr-0.wav'), { priority })).body.id;
    }
    await stack.startProcessor();
    const started: Record<string, number> = {};
    for (const [priority, id] of Object.entries(ids))
      started[priority] = Date.parse((await waitForTask(stack.baseUrl, id)).task.started_at);
    expect(started.high).toBeLessThan(started.normal);
    expect(started.normal).toBeLessThan(started.low);
    await stopProcessors();
  });

  it('a task whose job Redis lost still reaches a processor (Postgres is the source of truth)', async () => {
    const { body: created } = await upload(stack.baseUrl, audioPath('jfk.wav'));
    expect(await stack.flushRedis()).toBeGreaterThan(0);
    const processor = await stack.startProcessor();
    const { task } = await waitForTask(stack.baseUrl, created.id, ['completed', 'failed'], 30_000);
    expect(task.status, task.error).toBe('completed');
    expect(processor.log).toMatch(new RegExp(`Task ${created.id} \\(queued\\) had no job in Redis; re-enqueued`));
    await stopProcessors();
  });

  it('media ffmpeg cannot decode fails the task at once with a readable error (no retries)', async () => {
    const { body: created } = await upload(stack.baseUrl, audioPath('jfk.wav'));
    const [{ media_path }] = await stack.sql<{ media_path: string }>('SELECT media_path FROM tasks WHERE id = $1', [
      created.id,
    ]);
    expect(media_path.startsWith(join(stack.env.STORAGE_DIR, 'uploads'))).toBe(true);
    await unlink(media_path); // the stored media is gone (or damaged) before a processor gets to it
    await stack.startProcessor();
    const { task } = await waitForTask(stack.baseUrl, created.id);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/ffmpeg could not decode the audio: .*No such file or directory/);
    expect(task.completed_at).not.toBeNull();
    const [row] = await stack.sql<{ attempts: number }>('SELECT attempts FROM tasks WHERE id = $1', [created.id]);
    expect(row.attempts).toBe(1);
  });
});
