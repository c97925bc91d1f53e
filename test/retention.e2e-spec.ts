import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';
import { waitFor } from './support/wait';

/**
 * MEDIA_RETENTION_HOURS removes the media of finished tasks (the task and its result stay),
 * TASK_RETENTION_DAYS deletes finished tasks; tasks are made old by moving `completed_at` back.
 */
describe('retention of media and tasks', () => {
  let stack: TestStack;
  /** Tasks by role, each with the file it was stored under. */
  const tasks: Record<'completed' | 'cancelled' | 'recent' | 'expired', { id: string; mediaPath: string }> =
    {} as never;

  const mediaPathOf = async (id: string) =>
    (await stack.sql<{ media_path: string | null }>('SELECT media_path FROM tasks WHERE id = $1', [id]))[0]
      ?.media_path ?? null;

  const createTask = async () => {
    const { status, body } = await upload(stack.baseUrl, audioPath('zh-funasr-0.wav'));
    expect(status).toBe(201);
    return { id: body.id as string, mediaPath: (await mediaPathOf(body.id))! };
  };

  beforeAll(async () => {
    stack = await TestStack.create({
      MEDIA_RETENTION_HOURS: '1',
      TASK_RETENTION_DAYS: '2',
      STORAGE_SWEEP_INTERVAL_MS: '1000',
    });
    await stack.startApi();
    // Cancelled before any processor runs: a cancelled upload that could be retried, while its media lasts.
    tasks.cancelled = await createTask();
    expect((await fetch(`${stack.baseUrl}/api/v1/tasks/${tasks.cancelled.id}/cancel`, { method: 'POST' })).status).toBe(
      200,
    );
    await stack.startProcessor();
    for (const role of ['completed', 'recent', 'expired'] as const) {
      tasks[role] = await createTask();
      expect((await waitForTask(stack.baseUrl, tasks[role].id)).task.status).toBe('completed');
    }
    for (const { mediaPath } of Object.values(tasks)) expect(existsSync(mediaPath)).toBe(true);

    // Finished 3 hours ago (over MEDIA_RETENTION_HOURS=1), and 3 days ago (over TASK_RETENTION_DAYS=2).
    await stack.sql(`UPDATE tasks SET completed_at = now() - interval '3 hours' WHERE id = ANY($1)`, [
      [tasks.completed.id, tasks.cancelled.id],
    ]);
    await stack.sql(`UPDATE tasks SET completed_at = now() - interval '3 days' WHERE id = $1`, [tasks.expired.id]);
    await waitFor(
      async () =>
        (
          await stack.sql(`SELECT id FROM tasks WHERE media_removed_at IS NOT NULL AND id = ANY($1)`, [
            [tasks.completed.id, tasks.cancelled.id],
          ])
        ).length === 2 && (await stack.sql('SELECT id FROM tasks WHERE id = $1', [tasks.expired.id])).length === 0,
      { what: 'the media of the two old tasks removed and the expired task deleted', timeoutMs: 15_000 },
    );
  });
  afterAll(() => stack?.destroy());

  it('removes the media of old finished tasks; the task, its result and its subtitles stay', async () => {
    const { status, body } = await getJson(stack.baseUrl, `/api/v1/tasks/${tasks.completed.id}`);
    expect(status).toBe(200);
    expect(body.status).toBe('completed');
    expect(body.result.segments.length).toBeGreaterThan(0);
    expect(Date.parse(body.media_removed_at)).toBeGreaterThan(Date.parse(body.completed_at));
    expect(existsSync(tasks.completed.mediaPath)).toBe(false);
    expect(existsSync(tasks.cancelled.mediaPath)).toBe(false);
    expect(await mediaPathOf(tasks.completed.id)).toBeNull();

    const subtitles = await fetch(`${stack.baseUrl}/api/v1/tasks/${tasks.completed.id}/subtitles?format=srt`);
    expect(subtitles.status).toBe(200);
    expect(await subtitles.text()).toContain(body.result.segments[0].text.trim());
  });

  it('a task that finished within MEDIA_RETENTION_HOURS keeps its media', async () => {
    // Same sweeps as the old tasks above (they took the media of those).
    expect(existsSync(tasks.recent.mediaPath)).toBe(true);
    const { body } = await getJson(stack.baseUrl, `/api/v1/tasks/${tasks.recent.id}`);
    expect(body.media_removed_at).toBeNull();
  });

  it('retrying an upload whose media is gone → 410 media_gone, saying why and what to do; the task stays', async () => {
    const response = await fetch(`${stack.baseUrl}/api/v1/tasks/${tasks.cancelled.id}/retry`, { method: 'POST' });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(410);
    expect(body).toMatchObject({ statusCode: 410, error: 'Gone', code: 'media_gone' });
    expect(body.message).toMatch(/removed by retention .*MEDIA_RETENTION_HOURS=1/);
    expect(body.message).toMatch(/Create a new task/);
    const { body: task } = await getJson(stack.baseUrl, `/api/v1/tasks/${tasks.cancelled.id}`);
    expect(task.status).toBe('cancelled');
  });

  it('deletes tasks older than TASK_RETENTION_DAYS, with their media', async () => {
    expect((await getJson(stack.baseUrl, `/api/v1/tasks/${tasks.expired.id}`)).status).toBe(404);
    expect(existsSync(tasks.expired.mediaPath)).toBe(false);
  });
});
