import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { type AppProcess, TestStack } from './support/stack';
import { waitFor } from './support/wait';

describe('graceful shutdown on SIGTERM', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create();
    await stack.startApi();
  });
  afterAll(() => stack?.destroy());

  /** Uploads the 157 s file and waits until `processor` is into it. */
  async function startLongTask(): Promise<string> {
    const { body } = await upload(stack.baseUrl, audioPath('long-en-concat-16k.wav'));
    await waitFor(async () => (await getJson(stack.baseUrl, `/api/v1/tasks/${body.id}`)).body, {
      until: (task) => task.status === 'processing' && task.progress >= 5,
      what: `task ${body.id} processing, at 5 % or more`,
    });
    return body.id;
  }

  const attempts = async (id: string) =>
    (await stack.sql<{ attempts: number }>('SELECT attempts FROM tasks WHERE id = $1', [id]))[0].attempts;

  it('a processor finishes its current job within the grace period, then exits', async () => {
    const processor: AppProcess = await stack.startProcessor({ SHUTDOWN_GRACE_MS: '60000' });
    const id = await startLongTask();
    await processor.stop('SIGTERM');
    // Nest re-raises the signal after its shutdown hooks, so the process ends by SIGTERM.
    expect(await processor.exitCode()).toBe('SIGTERM');
    expect(processor.log).toMatch(new RegExp(`Task ${id} completed`));
    const { task } = await waitForTask(stack.baseUrl, id, ['completed', 'failed', 'queued'], 1000);
    expect(task.status).toBe('completed');
    expect(await attempts(id)).toBe(1);
  });

  it('after the grace period it hands the job back; the next processor takes it at once', async () => {
    const processor = await stack.startProcessor({ SHUTDOWN_GRACE_MS: '200' });
    const id = await startLongTask();
    const stopped = Date.now();
    await processor.stop('SIGTERM');
    expect(await processor.exitCode()).toBe('SIGTERM');
    expect(Date.now() - stopped).toBeLessThan(5000);
    expect(processor.log).toMatch(/handing them back to the queue/);
    const [{ status }] = await stack.sql<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [id]);
    expect(status).toBe('queued');
    await stack.startProcessor();
    // Well before the 30 s job lock would have expired: the job was handed back, not left to stall.
    const { task } = await waitForTask(stack.baseUrl, id, ['completed', 'failed'], 20_000);
    if (task.status !== 'completed') for (const app of stack.processes) console.log(`==== ${app.name}\n${app.log}`);
    expect(task.status, task.error).toBe('completed');
    expect(await attempts(id)).toBe(2);
  });

  it('the api finishes in-flight requests before it exits, then refuses new ones', async () => {
    const api = stack.processes.find((app) => app.name === 'api')!;
    const known = (await stack.sql<{ id: string }>('SELECT id FROM tasks')).map((row) => row.id);
    const inFlight = upload(
      stack.baseUrl,
      audioPath('long-en-concat-16k.wav'),
      { model: 'whisper-1' },
      '/v1/audio/transcriptions',
    );
    let answered = false;
    void inFlight.then(
      () => (answered = true),
      () => (answered = true),
    );
    // Uploaded, waiting for the transcript: the request has created its task (an early answer is
    // not waited out, the checks below report it).
    await waitFor(
      async () => answered || (await stack.sql('SELECT id FROM tasks WHERE NOT (id = ANY($1))', [known])).length > 0,
      { what: 'the in-flight request to create its task', intervalMs: 100 },
    );
    await api.stop('SIGTERM');
    expect(await api.exitCode()).toBe(0);
    const response = await inFlight.catch((error) => {
      throw new Error(`${error.message}\n${api.log}`);
    });
    expect(response.status).toBe(200);
    expect(response.body.text.length).toBeGreaterThan(0);
    await expect(fetch(`${stack.baseUrl}/health/live`)).rejects.toThrow();
  });
});
