import { openAsBlob } from 'node:fs';
import { apiKeyId } from '@app/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioPath } from './support/env';
import { FixtureServer } from './support/fixture-server';
import { OwnRedis } from './support/own-redis';
import { type AppProcess, TestStack } from './support/stack';
import { waitFor } from './support/wait';

/** Secrets of this file's keys; none may ever appear in a log. */
const SECRETS = {
  alice: 'alice-secret-6c1f',
  bob: 'bob-secret-93ad',
  legacy: 'legacy-secret-27be',
  ops: 'ops-secret-d410',
};
const LEGACY_NAME = `key-${apiKeyId(SECRETS.legacy)}`;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** A request as the holder of `secret` sends it (no header without a secret). */
async function call(baseUrl: string, secret: string | null, route: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${baseUrl}${route}`, {
    ...init,
    headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...init.headers },
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null; // a subtitle file, an empty 204
  }
  return { status: response.status, headers: response.headers, body, text };
}

async function uploadAs(
  baseUrl: string,
  secret: string,
  fields: Record<string, string> = {},
  route = '/api/v1/tasks',
): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', await openAsBlob(audioPath('jfk.wav')), 'jfk.wav');
  return call(baseUrl, secret, route, { method: 'POST', body: form });
}

describe('tasks belong to the API key that created them', () => {
  let stack: TestStack;
  let api: AppProcess;
  const receiver = new FixtureServer();
  let aliceTask: any;
  let bobTask: any;
  let legacyTask: any;

  const as = (secret: string | null, route: string, init?: RequestInit) => call(stack.baseUrl, secret, route, init);
  const completed = (secret: string, id: string) =>
    waitFor(() => as(secret, `/api/v1/tasks/${id}`), {
      until: (answer) => ['completed', 'failed'].includes(answer.body?.status),
      what: `task ${id} to finish`,
      timeoutMs: 120_000,
      intervalMs: 200,
    }).then((answer) => answer.body);

  beforeAll(async () => {
    receiver.route('/hook', (_request, _body, response) => response.writeHead(200).end('ok'));
    await receiver.start();
    stack = await TestStack.create({
      API_KEYS: `alice:${SECRETS.alice},bob:${SECRETS.bob},${SECRETS.legacy}`,
      ADMIN_API_KEYS: `ops:${SECRETS.ops}`,
      CALLBACK_SECRET: 'isolation-callback-secret',
      CALLBACK_ATTEMPTS: '1',
      ALLOWED_URL_HOSTS: '127.0.0.1',
    });
    api = await stack.startApi();
    await stack.startProcessor();
    const created = await Promise.all([
      uploadAs(stack.baseUrl, SECRETS.alice, { callback_url: `${receiver.baseUrl}/hook` }),
      uploadAs(stack.baseUrl, SECRETS.bob),
      uploadAs(stack.baseUrl, SECRETS.legacy),
    ]);
    for (const answer of created) expect(answer.status, answer.text).toBe(201);
    [aliceTask, bobTask, legacyTask] = await Promise.all([
      completed(SECRETS.alice, created[0].body.id),
      completed(SECRETS.bob, created[1].body.id),
      completed(SECRETS.legacy, created[2].body.id),
    ]);
    expect(aliceTask.status).toBe('completed');
    await waitFor(() => as(SECRETS.alice, `/api/v1/tasks/${aliceTask.id}`), {
      until: (answer) => answer.body.callback_status === 'delivered',
      what: "alice's callback to be delivered",
    });
  });
  afterAll(async () => {
    await stack?.destroy();
    await receiver.stop();
  });

  it('records the key name on the task (api_key_name); a bare secret is named key-<id>', () => {
    expect(aliceTask.api_key_name).toBe('alice');
    expect(bobTask.api_key_name).toBe('bob');
    expect(legacyTask.api_key_name).toBe(LEGACY_NAME);
  });

  it('another key gets 404 for a task on every task route, as for an id that does not exist, and changes nothing', async () => {
    const before = (await as(SECRETS.alice, `/api/v1/tasks/${aliceTask.id}`)).body;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const routes: [method: string, route: (id: string) => string][] = [
      ['GET', (id) => `/api/v1/tasks/${id}`],
      ['GET', (id) => `/api/v1/tasks/${id}/subtitles?format=srt`],
      ['POST', (id) => `/api/v1/tasks/${id}/cancel`],
      ['POST', (id) => `/api/v1/tasks/${id}/retry`],
      ['POST', (id) => `/api/v1/tasks/${id}/callback/redeliver`],
      ['DELETE', (id) => `/api/v1/tasks/${id}`],
    ];
    for (const [method, route] of routes) {
      for (const secret of [SECRETS.bob, SECRETS.legacy]) {
        const denied = await as(secret, route(aliceTask.id), { method });
        const missing = await as(secret, route(unknown), { method });
        expect(denied.status, `${method} ${route(aliceTask.id)}`).toBe(404);
        expect(missing.status).toBe(404);
        expect(denied.body.message.replace(aliceTask.id, '<id>')).toBe(missing.body.message.replace(unknown, '<id>'));
      }
    }
    const classic = await as(SECRETS.bob, `/api/v1/asr/task/${aliceTask.id}`);
    expect(classic.status).toBe(404);
    expect(classic.body).toEqual({ task_id: aliceTask.id, status: 'Task not found', result: '' });

    const after = await as(SECRETS.alice, `/api/v1/tasks/${aliceTask.id}`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before);
    expect(receiver.requests.filter((request) => request.url === '/hook')).toHaveLength(1); // no redelivery
  });

  it('the owner uses every route on its own task', async () => {
    const id = aliceTask.id;
    expect((await as(SECRETS.alice, `/api/v1/tasks/${id}/subtitles?format=srt`)).text).toMatch(/^1\n00:00:/);
    expect((await as(SECRETS.alice, `/api/v1/asr/task/${id}`)).body.status).toBe('done');
    expect((await as(SECRETS.alice, `/api/v1/tasks/${id}/cancel`, { method: 'POST' })).status).toBe(409);
    expect((await as(SECRETS.alice, `/api/v1/tasks/${id}/retry`, { method: 'POST' })).status).toBe(409);
    expect((await as(SECRETS.alice, `/api/v1/tasks/${id}/callback/redeliver`, { method: 'POST' })).status).toBe(202);
    await waitFor(() => receiver.requests.filter((request) => request.url === '/hook').length === 2, {
      what: 'the redelivered callback',
    });
  });

  it('each key lists only its own tasks (total too); an admin key lists every task', async () => {
    const list = async (secret: string, query = '') => (await as(secret, `/api/v1/tasks${query}`)).body;
    const ids = (page: any) => page.items.map((task: any) => task.id).sort();
    expect(await list(SECRETS.alice)).toMatchObject({ total: 1, items: [{ id: aliceTask.id, api_key_name: 'alice' }] });
    expect(await list(SECRETS.bob)).toMatchObject({ total: 1, items: [{ id: bobTask.id, api_key_name: 'bob' }] });
    expect(await list(SECRETS.legacy, '?status=completed')).toMatchObject({ total: 1, items: [{ id: legacyTask.id }] });
    expect(await list(SECRETS.bob, '?status=queued')).toMatchObject({ total: 0, items: [] });
    const all = await list(SECRETS.ops);
    expect(all.total).toBe(3);
    expect(ids(all)).toEqual([aliceTask.id, bobTask.id, legacyTask.id].sort());
    expect(all.items.map((task: any) => task.api_key_name).sort()).toEqual(['alice', 'bob', LEGACY_NAME].sort());
    const paged = await list(SECRETS.ops, '?limit=1&offset=1');
    expect(paged.total).toBe(3);
    expect(paged.items).toHaveLength(1);
  });

  it("an admin key sees and manages every key's tasks", async () => {
    expect((await as(SECRETS.ops, `/api/v1/tasks/${aliceTask.id}`)).body.api_key_name).toBe('alice');
    expect((await as(SECRETS.ops, `/api/v1/tasks/${bobTask.id}/subtitles?format=txt`)).status).toBe(200);
    expect((await as(SECRETS.ops, `/api/v1/asr/task/${legacyTask.id}`)).body.status).toBe('done');
    expect((await as(SECRETS.ops, `/api/v1/tasks/${bobTask.id}/retry`, { method: 'POST' })).status).toBe(409);
    expect((await as(SECRETS.ops, `/api/v1/tasks/${bobTask.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await as(SECRETS.bob, `/api/v1/tasks/${bobTask.id}`)).status).toBe(404);
    // The admin's own tasks carry its name, like any key's.
    const own = await uploadAs(stack.baseUrl, SECRETS.ops);
    expect(own.body.api_key_name).toBe('ops');
    expect((await as(SECRETS.alice, `/api/v1/tasks/${own.body.id}`)).status).toBe(404);
  });

  it('the OpenAI-compatible routes create tasks owned by the calling key', async () => {
    const form = new FormData();
    form.append('file', await openAsBlob(audioPath('jfk.wav')), 'jfk.wav');
    form.append('model', 'whisper-1');
    const answer = await as(SECRETS.bob, '/v1/audio/transcriptions', { method: 'POST', body: form });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.text).toBeTruthy();
    const bobs = (await as(SECRETS.bob, '/api/v1/tasks?priority=high')).body;
    expect(bobs).toMatchObject({ total: 1, items: [{ api_key_name: 'bob', priority: 'high', status: 'completed' }] });
    expect((await as(SECRETS.alice, '/api/v1/tasks?priority=high')).body.total).toBe(0);
  });

  it('a task stored before key names (api_key_name null) still belongs to the key whose secret made it', async () => {
    await stack.sql('UPDATE tasks SET api_key_name = NULL WHERE id = $1', [legacyTask.id]);
    expect((await as(SECRETS.legacy, `/api/v1/tasks/${legacyTask.id}`)).status).toBe(200);
    expect((await as(SECRETS.legacy, '/api/v1/tasks')).body.total).toBe(1);
    expect((await as(SECRETS.alice, `/api/v1/tasks/${legacyTask.id}`)).status).toBe(404);
    expect((await as(SECRETS.ops, `/api/v1/tasks/${legacyTask.id}`)).body.api_key_name).toBeNull();
  });

  it('logs key names, never secrets', async () => {
    await as('not-a-configured-secret', '/api/v1/tasks');
    expect(api.log).toContain(`API keys: alice, bob, ${LEGACY_NAME}; admin keys: ops`);
    expect(api.log).toMatch(/"api_key_name":"alice"/);
    for (const secret of [...Object.values(SECRETS), 'not-a-configured-secret']) expect(api.log).not.toContain(secret);
  });

  it('refuses bad key configuration at start, naming the variable and not the secret', async () => {
    const bad = TestStack.create({
      API_KEYS: 'alice:dup-secret-one,alice:dup-secret-two',
      ADMIN_API_KEYS: 'bad name:x-secret-three',
    });
    const broken = await bad;
    try {
      const error: Error = await broken.startApi().then(
        () => new Error('the api started'),
        (caught: Error) => caught,
      );
      expect(error.message).toContain('API_KEYS=(hidden): the name "alice" is given twice');
      expect(error.message).toContain("ADMIN_API_KEYS=(hidden): entry 1: the name before ':' must be");
      for (const secret of ['dup-secret-one', 'dup-secret-two', 'x-secret-three'])
        expect(error.message).not.toContain(secret);
    } finally {
      await broken.destroy();
    }
  });
});

describe('limits count per key name; a rate limiter without Redis answers 503', () => {
  let redis: OwnRedis;
  let stack: TestStack;
  let api: AppProcess;
  const as = (secret: string | null, route: string, init?: RequestInit) => call(stack.baseUrl, secret, route, init);

  beforeAll(async () => {
    redis = await OwnRedis.start();
    stack = await TestStack.create({
      REDIS_URL: redis.url,
      API_KEYS: 'alice:alice-first-secret,bob:bob-secret',
      RATE_LIMIT_PER_MINUTE: '5',
      MAX_QUEUED_TASKS_PER_KEY: '1',
    });
    api = await stack.startApi(); // no processor: tasks stay queued
  });
  afterAll(async () => {
    await stack?.destroy();
    await redis?.stop();
  });

  it('a new secret for the same name keeps its queued tasks and its request count', async () => {
    expect((await uploadAs(stack.baseUrl, 'alice-first-secret')).status).toBe(201); // request 1
    expect((await uploadAs(stack.baseUrl, 'alice-first-secret')).status).toBe(429); // request 2: one is queued
    await api.stop();
    api = await stack.startApi({ API_KEYS: 'alice:alice-second-secret,bob:bob-secret' });
    expect((await as('alice-first-secret', '/api/v1/tasks')).status).toBe(401);
    const capped = await uploadAs(stack.baseUrl, 'alice-second-secret'); // request 3
    expect(capped.status).toBe(429);
    expect(capped.body.message).toMatch(/already has 1 queued or processing tasks/);
    expect((await uploadAs(stack.baseUrl, 'bob-secret')).status).toBe(201);
    // Two more requests this minute for "alice", whichever her secret: the count went on.
    expect((await as('alice-second-secret', '/api/v1/tasks')).body.total).toBe(1); // request 4
    expect((await as('alice-second-secret', '/api/v1/tasks')).status).toBe(200); // request 5
    const limited = await as('alice-second-secret', '/api/v1/tasks');
    expect(limited.status).toBe(429);
    expect(limited.body.message).toMatch(/Rate limit of 5 requests per minute/);
    expect((await as('bob-secret', '/api/v1/tasks')).status).toBe(200);
  });

  it('Redis down → 503 with Retry-After naming Redis, in the shape of each route; public routes unaffected; recovers', async () => {
    await redis.stop();
    const down = await as('bob-secret', '/api/v1/tasks');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'dependency_unavailable',
      message: expect.stringMatching(
        /^Redis, which counts requests against RATE_LIMIT_PER_MINUTE, is unreachable right now; retry/,
      ),
    });
    const openai = await as('bob-secret', '/v1/models');
    expect(openai.status).toBe(503);
    expect(openai.body.error).toMatchObject({ type: 'server_error', code: 'dependency_unavailable' });
    expect(openai.body.error.message).toMatch(/Redis/);
    expect((await as(null, '/api/v1/tasks')).status).toBe(401); // authentication comes first
    expect((await as(null, '/health/live')).status).toBe(200);
    expect(api.log).toMatch(/Rate limiter: Redis does not answer/);

    await redis.start();
    await waitFor(() => as('bob-secret', '/api/v1/tasks'), {
      until: (answer) => answer.status === 200,
      what: 'requests to be counted again once Redis is back',
      intervalMs: 200,
    });
    expect(api.log).toMatch(/Rate limiter: Redis answers again/);
  });
});
