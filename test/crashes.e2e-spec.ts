import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { type AppProcess, TestStack } from './support/stack';
import { expectWellFormedSegments } from './support/transcript-checks';
import { waitFor } from './support/wait';

/** Short lock and stall check, so a killed processor's job is taken back within seconds. */
const FAST_RECOVERY = { JOB_LOCK_MS: '4000', JOB_STALLED_INTERVAL_MS: '2000', RECONCILE_INTERVAL_MS: '1000' };

/** The "N windows" a processor logs when it completes a task. */
function windowsDecoded(processor: AppProcess, taskId: string): { windows: number; resumedAt: number | null } {
  const line = new RegExp(
    `Task ${taskId} completed: .*; (\\d+) windows, \\d+ decodes(?:, resumed at ([\\d.]+) s)?`,
  ).exec(processor.log);
  if (!line) throw new Error(`${processor.name} did not log the completion of ${taskId}:\n${processor.log}`);
  return { windows: Number(line[1]), resumedAt: line[2] ? Number(line[2]) : null };
}

describe('processor crashes: checkpoints and poison tasks', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create(FAST_RECOVERY);
    await stack.startApi();
  });
  afterAll(() => stack?.destroy());
  // A failed test must not leave a processor behind to take the next test's task.
  afterEach(() =>
    Promise.all(stack.processes.filter((app) => app.name === 'processor').map((app) => app.stop('SIGKILL'))),
  );

  /** Waits until the task is processing at `percent` % or more (and not yet completed). */
  async function progressAt(id: string, percent: number): Promise<void> {
    await waitFor(
      async () => {
        const { body: task } = await getJson(stack.baseUrl, `/api/v1/tasks/${id}`);
        expect(task.status).not.toBe('completed');
        return task;
      },
      {
        until: (task) => task.status === 'processing' && task.progress >= percent,
        what: `task ${id} processing at ${percent} % or more`,
        timeoutMs: 60_000,
      },
    );
  }

  it('SIGKILL in the middle of a long file: the next processor resumes from the checkpoint and decodes only the rest', async () => {
    const long = audioPath('long-en-concat-16k.wav');
    // The same file, uninterrupted: how many windows the whole file has.
    const reference = await stack.startProcessor();
    const { body: whole } = await upload(stack.baseUrl, long);
    const { task: wholeTask } = await waitForTask(stack.baseUrl, whole.id);
    expect(wholeTask.status, wholeTask.error).toBe('completed');
    const { windows: allWindows } = windowsDecoded(reference, whole.id);
    await reference.stop();

    const first = await stack.startProcessor();
    const { body: created } = await upload(stack.baseUrl, long);
    await progressAt(created.id, 40);
    await first.stop('SIGKILL');
    const [saved] = await stack.sql<{ checkpoint: { position: number; segments: unknown[] } }>(
      'SELECT checkpoint FROM tasks WHERE id = $1',
      [created.id],
    );
    expect(saved.checkpoint.position).toBeGreaterThan(0);

    const second = await stack.startProcessor();
    const { task } = await waitForTask(stack.baseUrl, created.id);
    expect(task.status, task.error).toBe('completed');
    const { windows, resumedAt } = windowsDecoded(second, created.id);
    expect(resumedAt).toBeGreaterThanOrEqual(saved.checkpoint.position);
    expect(windows).toBeLessThan(allWindows);
    // The same result as the uninterrupted run: nothing duplicated, nothing missing.
    expectWellFormedSegments(task.result.segments, task.duration);
    // The same segments as the uninterrupted run: none duplicated, none missing. Boundaries agree
    // to within one VAD window (32 ms): sherpa's VAD may end the file's last region a window apart.
    type Timed = { start: number; end: number; text: string };
    const resumed = task.result.segments as Timed[];
    const uninterrupted = wholeTask.result.segments as Timed[];
    expect(resumed.map((s) => s.text)).toEqual(uninterrupted.map((s) => s.text));
    resumed.forEach((segment, i) => {
      expect(Math.abs(segment.start - uninterrupted[i].start)).toBeLessThanOrEqual(0.0325);
      expect(Math.abs(segment.end - uninterrupted[i].end)).toBeLessThanOrEqual(0.0325);
    });
    expect(task.result.text).toBe(wholeTask.result.text);
    const [row] = await stack.sql<{ attempts: number; checkpoint: unknown }>(
      'SELECT attempts, checkpoint FROM tasks WHERE id = $1',
      [created.id],
    );
    expect(row).toEqual({ attempts: 2, checkpoint: null });
  });

  it('a processor SIGKILLed twice on the same task: the third completes it (JOB_MAX_STALLS=3)', async () => {
    const { body: created } = await upload(stack.baseUrl, audioPath('long-en-concat-16k.wav'));
    const first = await stack.startProcessor();
    await progressAt(created.id, 20);
    await first.stop('SIGKILL');
    const second = await stack.startProcessor();
    await progressAt(created.id, 50);
    await second.stop('SIGKILL');
    await stack.startProcessor();
    const { task } = await waitForTask(stack.baseUrl, created.id);
    expect(task.status, task.error).toBe('completed');
    expectWellFormedSegments(task.result.segments, task.duration);
    const [row] = await stack.sql<{ attempts: number }>('SELECT attempts FROM tasks WHERE id = $1', [created.id]);
    expect(row.attempts).toBe(3);
  });
});

describe('poison tasks', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create({ ...FAST_RECOVERY, JOB_MAX_STALLS: '1' });
    await stack.startApi();
  });
  afterAll(() => stack?.destroy());

  it('a task whose processor dies more than JOB_MAX_STALLS times fails as a poison task, saying so', async () => {
    const { body: created } = await upload(stack.baseUrl, audioPath('long-en-concat-16k.wav'));
    for (let crash = 0; crash < 2; crash++) {
      const processor = await stack.startProcessor();
      await waitFor(
        async () =>
          (
            await stack.sql<{ status: string; attempts: number; progress: number }>(
              'SELECT status, attempts, progress FROM tasks WHERE id = $1',
              [created.id],
            )
          )[0],
        {
          until: (task) => task.status === 'processing' && task.attempts === crash + 1 && task.progress > 0,
          what: `attempt ${crash + 1} of task ${created.id} under way`,
          timeoutMs: 60_000,
        },
      );
      await processor.stop('SIGKILL');
    }
    await stack.startProcessor();
    const { task } = await waitForTask(stack.baseUrl, created.id, ['completed', 'failed'], 60_000);
    expect(task).toMatchObject({ status: 'failed', error_code: 'poison_task' });
    expect(task.error).toMatch(/stopped \(crashed or was killed\) more than 1 times \(JOB_MAX_STALLS\).*poison task/);
  });
});
