import { openAsBlob } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { FixtureServer } from './support/fixture-server';
import { OwnPostgres } from './support/own-postgres';
import { OwnRedis } from './support/own-redis';
import { TestStack } from './support/stack';
import { waitFor } from './support/wait';

/** How long Postgres stays away in the first scenario (the figure). */
const POSTGRES_OUTAGE_MS = 60_000;

/** A request timed from the client's side. */
async function timed(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: any; retryAfter: string | null; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = await response.json().catch(() => null);
  return {
    status: response.status,
    body,
    retryAfter: response.headers.get('retry-after'),
    ms: performance.now() - started,
  };
}

/** Waits until every task is completed (or one failed) and returns them. */
async function allFinished(stack: TestStack, ids: string[], timeoutMs: number): Promise<any[]> {
  return Promise.all(
    ids.map(async (id) => (await waitForTask(stack.baseUrl, id, ['completed', 'failed'], timeoutMs, 500)).task),
  );
}

describe('a dependency outage is not a task failure', () => {
  describe('Postgres stopped for 60 s under 20 tasks', () => {
    let postgres: OwnPostgres;
    let stack: TestStack;

    beforeAll(async () => {
      postgres = await OwnPostgres.start();
      stack = await TestStack.create({ DATABASE_URL: postgres.url, RECONCILE_INTERVAL_MS: '2000' });
      await stack.startApi();
      await stack.startProcessor();
      await stack.startProcessor();
    });
    afterAll(async () => {
      await stack?.destroy();
      await postgres?.destroy();
    });

    it('every task completes once Postgres is back; meanwhile the api answers 503 naming Postgres, fast', async () => {
      const files = Array.from({ length: 20 }, (_, i) => audioPath(i % 5 === 0 ? 'long-en-concat-16k.wav' : 'jfk.wav'));
      const ids: string[] = [];
      for (const file of files) ids.push((await upload(stack.baseUrl, file)).body.id);
      // Stop Postgres while work is in hand: some done, some processing, the rest queued.
      await waitFor(() => getJson(stack.baseUrl, `/api/v1/tasks?status=processing`), {
        until: ({ body }) => body.total > 0,
        what: 'a task in processing',
      });
      await postgres.stopServer();
      const stoppedAt = Date.now();

      const read = await timed(`${stack.baseUrl}/api/v1/tasks/${ids[0]}`);
      expect(read).toMatchObject({
        status: 503,
        retryAfter: expect.stringMatching(/^\d+$/),
        body: { code: 'dependency_unavailable', message: expect.stringMatching(/^Postgres is unreachable/) },
      });
      expect(read.ms).toBeLessThan(2000);
      const form = new FormData();
      form.append('file', await openAsBlob(audioPath('jfk.wav')), 'jfk.wav');
      const create = await timed(`${stack.baseUrl}/api/v1/tasks`, { method: 'POST', body: form });
      expect(create).toMatchObject({ status: 503, body: { code: 'dependency_unavailable' } });
      expect(create.ms).toBeLessThan(2000);
      // Routes that do not need Postgres keep working.
      expect((await timed(`${stack.baseUrl}/health/live`)).status).toBe(200);
      expect((await timed(`${stack.baseUrl}/api/v1/engine`)).status).toBe(200);
      const ready = await timed(`${stack.baseUrl}/health/ready`);
      expect(ready).toMatchObject({
        status: 503,
        body: { error: { postgres: { status: 'down', message: 'Postgres does not answer' } } },
      });
      expect(JSON.stringify(ready.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);

      // The outage lasts as long as the scenario says; this is its length, not a wait for a condition.
      await new Promise((done) => setTimeout(done, Math.max(0, POSTGRES_OUTAGE_MS - (Date.now() - stoppedAt))));
      await postgres.startServer();

      const tasks = await allFinished(stack, ids, 180_000);
      expect(tasks.filter((task) => task.status !== 'completed').map((task) => `${task.id}: ${task.error}`)).toEqual(
        [],
      );
      for (const task of tasks) expect(task.result.segments.length).toBeGreaterThan(0);
      const processors = stack.processes.filter((app) => app.name === 'processor');
      expect(processors.some((app) => /Postgres does not answer/.test(app.log))).toBe(true);
      expect(processors.some((app) => /Postgres answers again/.test(app.log))).toBe(true);
    });
  });

  describe('Redis restarted empty with queued tasks and pending callbacks', () => {
    let redis: OwnRedis;
    let stack: TestStack;
    const receiver = new FixtureServer();
    /** Callbacks processed, by delivery id (the receiver drops duplicates). */
    const processed = new Map<string, string>();
    let failFirst = true;

    beforeAll(async () => {
      redis = await OwnRedis.start();
      await receiver
        .route('/hook', (req, body, res) => {
          const deliveryId = String(req.headers['x-hark-delivery-id']);
          // Until Redis is restarted, every first delivery fails, so callbacks wait for a retry in Redis.
          if (failFirst) return res.writeHead(500).end();
          if (!processed.has(deliveryId)) processed.set(deliveryId, (JSON.parse(body) as { id: string }).id);
          res.writeHead(200).end();
        })
        .start();
      stack = await TestStack.create({
        REDIS_URL: redis.url,
        CALLBACK_SECRET: 'secret',
        ALLOWED_URL_HOSTS: '127.0.0.1',
        CALLBACK_BACKOFF_MS: '60000', // the retry would come long after the restart: only the reconciler can save it
        RECONCILE_INTERVAL_MS: '1000',
      });
      await stack.startApi();
    });
    afterAll(async () => {
      await stack?.destroy();
      await redis?.stop();
      await receiver.stop();
    });

    it('all tasks complete and every callback arrives once the reconciler has re-enqueued them', async () => {
      const hook = `${receiver.baseUrl}/hook`;
      const processor = await stack.startProcessor();
      const done: string[] = [];
      for (let i = 0; i < 3; i++)
        done.push((await upload(stack.baseUrl, audioPath('jfk.wav'), { callback_url: hook })).body.id);
      await allFinished(stack, done, 60_000);
      await waitFor(() => receiver.requests.filter((r) => r.url === '/hook').length >= done.length, {
        what: 'a first (failed) delivery of each callback',
      });
      await processor.stop();
      const queued: string[] = [];
      for (let i = 0; i < 3; i++)
        queued.push((await upload(stack.baseUrl, audioPath('jfk.wav'), { callback_url: hook })).body.id);

      await redis.stop();
      // Without Redis, routes that need it answer 503 at once; task reads (Postgres) still work.
      await waitFor(() => timed(`${stack.baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: new FormData() }), {
        until: (answer) => answer.status === 503,
        what: 'the OpenAI route to answer 503 without Redis',
      }).then((answer) => {
        expect(answer.ms).toBeLessThan(2000);
        expect(answer.body.error.message).toMatch(/^Redis is unreachable/);
      });
      expect((await timed(`${stack.baseUrl}/api/v1/tasks/${done[0]}`)).status).toBe(200);
      await redis.start(); // empty: the queued jobs and the callbacks' retries are gone
      failFirst = false;
      await stack.startProcessor();

      const tasks = await allFinished(stack, [...done, ...queued], 60_000);
      expect(tasks.map((task) => task.status)).toEqual(Array(6).fill('completed'));
      await waitFor(() => processed.size >= 6, {
        what: () => `a callback for each of the 6 tasks (have ${processed.size})`,
        timeoutMs: 60_000,
      });
      expect([...processed.values()].sort()).toEqual([...done, ...queued].sort());
      await waitFor(
        async () =>
          (
            await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE callback_status = 'delivered'`)
          )[0].n === 6,
        {
          what: 'every callback_status to be delivered',
        },
      );
    });
  });
});
