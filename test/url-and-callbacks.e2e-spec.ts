import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { FixtureServer } from './support/fixture-server';
import { freePort } from './support/ports';
import { TestStack } from './support/stack';
import { waitFor } from './support/wait';

const SECRET = 'test-callback-secret';
const MAX_UPLOAD_BYTES = 600_000;

/** Verifies a callback as a receiver would, with its own HMAC code (not Hark's). */
function verifySignature(headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const timestamp = String(headers['x-hark-timestamp']);
  const expected = Buffer.from(`v1=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(String(headers['x-hark-signature']));
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

describe('media URLs and signed callbacks', () => {
  let stack: TestStack;
  const media = new FixtureServer();
  const receiver = new FixtureServer();
  const attemptsByTask = new Map<string, number>();

  beforeAll(async () => {
    const jfk = readFileSync(audioPath('jfk.wav'));
    await media
      .route('/talks/jfk.wav', (_req, _body, res) =>
        res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': jfk.length }).end(jfk),
      )
      .route('/share/abc', (_req, _body, res) => res.writeHead(302, { location: '/cdn/abc' }).end())
      .route('/cdn/abc', (_req, _body, res) => res.writeHead(301, { location: '/talks/jfk.wav' }).end())
      .route('/loop', (_req, _body, res) => res.writeHead(302, { location: '/loop' }).end())
      .route('/notes.mp3', (_req, _body, res) =>
        res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('meeting notes, not audio\n'.repeat(50)),
      )
      .route('/huge.wav', (_req, _body, res) =>
        res.writeHead(200, { 'content-length': MAX_UPLOAD_BYTES * 2 }).end(Buffer.alloc(MAX_UPLOAD_BYTES * 2)),
      )
      .start();
    await receiver
      .route('/hooks/flaky', (req, body, res) => {
        // Fails the first two attempts of each task, accepts the third; rejects bad signatures.
        if (!verifySignature(req.headers, body)) return res.writeHead(401).end();
        const id = JSON.parse(body).id;
        const attempt = (attemptsByTask.get(id) ?? 0) + 1;
        attemptsByTask.set(id, attempt);
        res.writeHead(attempt <= 2 ? 503 : 200).end();
      })
      .route('/hooks/ok', (req, body, res) => res.writeHead(verifySignature(req.headers, body) ? 204 : 401).end())
      .route('/hooks/gone', (_req, _body, res) => res.writeHead(410).end())
      .start();
    stack = await TestStack.create({
      ALLOWED_URL_HOSTS: '127.0.0.1',
      CALLBACK_SECRET: SECRET,
      CALLBACK_BACKOFF_MS: '200',
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
      PUBLIC_URL: 'https://hark.example.com',
      // Small, so that a transient download failure ends within seconds (see "refuses, resets or never answers").
      JOB_ATTEMPTS: '2',
      JOB_BACKOFF_MS: '200',
      URL_DOWNLOAD_TIMEOUT_MS: '1500',
    });
    await stack.startApi();
    await stack.startProcessor();
  });
  afterAll(async () => {
    await stack?.destroy();
    await media.stop();
    await receiver.stop();
  });

  const createJson = (body: Record<string, unknown>) => postJson(stack.baseUrl, '/api/v1/tasks', body);

  it('file_url (JSON body): the processor downloads through redirects and transcribes', async () => {
    const created = await createJson({ file_url: `${media.baseUrl}/share/abc`, language: 'en' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'queued',
      source: 'url',
      source_url: `${media.baseUrl}/share/abc`,
      file_name: null,
      duration: null,
    });
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task.status, task.error).toBe('completed');
    expect(task).toMatchObject({ file_name: 'jfk.wav', file_size_bytes: 352078 });
    expect(task.duration).toBeCloseTo(11, 1);
    expect(task.result.segments.length).toBe(3);
    expect((await getJson(stack.baseUrl, '/api/v1/tasks?source=url')).body.items.map((t: any) => t.id)).toContain(
      task.id,
    );
  });

  it('file_url as a multipart field works too', async () => {
    const created = await upload(stack.baseUrl, null, { file_url: `${media.baseUrl}/talks/jfk.wav` });
    expect(created.status).toBe(201);
    expect((await waitForTask(stack.baseUrl, created.body.id)).task.status).toBe('completed');
  });

  it.each([
    ['/missing.wav', /^HTTP 404 from 127\.0\.0\.1:\d+$/],
    ['/huge.wav', /^too large: \d+ bytes, the limit is 600000 \(MAX_UPLOAD_BYTES\)$/],
    ['/notes.mp3', /^not audio\/video: /],
    ['/loop', /^too many redirects \(more than 5\)/],
  ])('file_url %s fails the task with the reason, without retries', async (path, reason) => {
    const created = await createJson({ file_url: `${media.baseUrl}${path}` });
    expect(created.status).toBe(201);
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(reason);
    const [{ attempts }] = await stack.sql<{ attempts: number }>('SELECT attempts FROM tasks WHERE id = $1', [task.id]);
    expect(attempts).toBe(1);
  });

  it('refuses URLs that reach private, loopback or metadata addresses unless allowed (400)', async () => {
    const port = new URL(media.baseUrl).port;
    for (const url of [
      `http://localhost:${port}/talks/jfk.wav`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/a.wav',
      'http://[::1]/a.wav',
    ]) {
      const { status, body } = await createJson({ file_url: url });
      expect(status, url).toBe(400);
      expect(body.message).toMatch(/^file_url is refused: .* is not a public address .*ALLOWED_URL_HOSTS/);
    }
    const both = await upload(stack.baseUrl, audioPath('jfk.wav'), { file_url: `${media.baseUrl}/talks/jfk.wav` });
    expect(both.status).toBe(400);
    expect(both.body.message).toBe('Send one of file, file_url or url, not file and file_url.');
    const ftp = await createJson({ file_url: 'ftp://example.com/a.wav' });
    expect(ftp.status).toBe(400);
    expect(ftp.body.message).toMatch(/file_url must be an http\(s\) URL/);
    expect(await stack.sql('SELECT id FROM tasks WHERE source_url NOT LIKE $1', [`${media.baseUrl}%`])).toEqual([]);
  });

  it('callback: signed, retried with backoff after two failures, every attempt recorded', async () => {
    const created = await upload(stack.baseUrl, audioPath('jfk.wav'), {
      callback_url: `${receiver.baseUrl}/hooks/flaky`,
    });
    expect(created.status).toBe(201);
    await waitForTask(stack.baseUrl, created.body.id);
    const task = await waitFor(async () => (await getJson(stack.baseUrl, `/api/v1/tasks/${created.body.id}`)).body, {
      until: (task) => task.callback_status === 'delivered',
      what: `the callback of task ${created.body.id} to be delivered`,
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    expect(task.callback_status).toBe('delivered');
    expect(task.callback_attempts.map((a: any) => a.status_code)).toEqual([503, 503, 200]);
    const requests = receiver.requests.filter((r) => r.url === '/hooks/flaky' && JSON.parse(r.body).id === task.id);
    expect(requests).toHaveLength(3);
    expect(requests[2].at - requests[1].at).toBeGreaterThan(requests[1].at - requests[0].at); // exponential backoff
    const body = JSON.parse(requests[2].body);
    expect(body).toEqual({
      id: task.id,
      status: 'completed',
      error: null,
      file_name: task.file_name,
      result_url: `https://hark.example.com/api/v1/tasks/${task.id}`,
      result: task.result,
    });
    for (const request of requests) expect(verifySignature(request.headers, request.body)).toBe(true);
  });

  it('callback for a failed task, without the result when callback_include_result=false; 410 stops retries; redeliver', async () => {
    const failed = await createJson({
      file_url: `${media.baseUrl}/missing.wav`,
      callback_url: `${receiver.baseUrl}/hooks/ok`,
      callback_include_result: false,
    });
    await waitForTask(stack.baseUrl, failed.body.id);
    const deliveredTo = (id: string, path: string, count: number) =>
      waitFor(() => receiver.requests.filter((r) => r.url === path && JSON.parse(r.body).id === id), {
        until: (hits) => hits.length >= count,
        what: `${count} callbacks for ${id} at ${path}`,
        timeoutMs: 10_000,
        intervalMs: 20,
      });
    const [hit] = await deliveredTo(failed.body.id, '/hooks/ok', 1);
    expect(JSON.parse(hit.body)).toEqual({
      id: failed.body.id,
      status: 'failed',
      error: expect.stringMatching(/^HTTP 404 from/),
      file_name: null, // the download failed before there was a file
      result_url: `https://hark.example.com/api/v1/tasks/${failed.body.id}`,
    });

    const redeliver = await fetch(`${stack.baseUrl}/api/v1/tasks/${failed.body.id}/callback/redeliver`, {
      method: 'POST',
    });
    expect(redeliver.status).toBe(202);
    await deliveredTo(failed.body.id, '/hooks/ok', 2);

    const gone = await upload(stack.baseUrl, audioPath('jfk.wav'), { callback_url: `${receiver.baseUrl}/hooks/gone` });
    await waitForTask(stack.baseUrl, gone.body.id);
    await deliveredTo(gone.body.id, '/hooks/gone', 1);
    // A retry would leave the delivery job delayed (or waiting); a job that failed for good was not retried.
    await waitFor(() => stack.jobStates('callbacks', gone.body.id), {
      until: (states) => states.length > 0 && states.every((state) => state === 'completed' || state === 'failed'),
      what: `the callback job of task ${gone.body.id} to be finished`,
      timeoutMs: 15_000, // were it retried, all CALLBACK_ATTEMPTS (6, backoff from 200 ms) end within this, and the check below names them
      intervalMs: 20,
    });
    const task = (await getJson(stack.baseUrl, `/api/v1/tasks/${gone.body.id}`)).body;
    expect(task.callback_status).toBe('failed');
    expect(task.callback_attempts.map((a: any) => a.status_code)).toEqual([410]);

    const none = await fetch(
      `${stack.baseUrl}/api/v1/tasks/${(await upload(stack.baseUrl, audioPath('jfk.wav'))).body.id}/callback/redeliver`,
      { method: 'POST' },
    );
    expect(none.status).toBe(409);
  });

  it('a media host that refuses, resets or never answers: download_failed after JOB_ATTEMPTS (2), not taken for an outage', async () => {
    // Raw TCP hosts: a port nobody listens on, one that resets every connection, one that accepts and stays silent.
    const sockets: Socket[] = [];
    const listen = async (onConnection: (socket: Socket) => void): Promise<Server> => {
      const server = createServer((socket) => (sockets.push(socket), onConnection(socket)));
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      return server;
    };
    const resetting = await listen((socket) => socket.resetAndDestroy());
    const silent = await listen(() => undefined);
    const portOf = (server: Server) => (server.address() as { port: number }).port;
    const hosts = {
      refused: `http://127.0.0.1:${await freePort()}/talk.wav`,
      reset: `http://127.0.0.1:${portOf(resetting)}/talk.wav`,
      silent: `http://127.0.0.1:${portOf(silent)}/talk.wav`,
    };
    try {
      const ids = Object.fromEntries(
        await Promise.all(
          Object.entries(hosts).map(async ([name, url]) => {
            // The refused host is the callback receiver too: a callback network error is the callback's own retry.
            const created = await createJson({ file_url: url, ...(name === 'refused' ? { callback_url: url } : {}) });
            expect(created.status).toBe(201);
            return [name, created.body.id as string] as const;
          }),
        ),
      );
      for (const [name, id] of Object.entries(ids)) {
        const { task } = await waitForTask(stack.baseUrl, id, ['completed', 'failed'], 30_000);
        expect(task, name).toMatchObject({ status: 'failed', error_code: 'download_failed' });
        const [{ attempts }] = await stack.sql<{ attempts: number }>('SELECT attempts FROM tasks WHERE id = $1', [id]);
        expect(attempts, name).toBe(2);
      }
      const refused = await waitFor(() => getJson(stack.baseUrl, `/api/v1/tasks/${ids.refused}`), {
        until: ({ body }) => body.callback_attempts?.some((attempt: any) => attempt.error),
        what: 'a failed callback attempt to the refused host',
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      expect(refused.body.callback_attempts[0]).toMatchObject({
        status_code: null,
        error: expect.stringMatching(/ECONNREFUSED/),
      });
      const processor = stack.processes.find((app) => app.name === 'processor')!;
      expect(processor.log).not.toMatch(/unreachable .*waiting up to/);
      expect(processor.log).not.toMatch(/dependencies are back/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await Promise.all([resetting, silent].map((server) => new Promise((done) => server.close(done))));
    }
  });

  it('a cancelled task reports "cancelled" to its callback', async () => {
    const processor = stack.processes.find((app) => app.name === 'processor')!;
    await processor.stop(); // the task stays queued until cancelled
    const created = await upload(stack.baseUrl, audioPath('jfk.wav'), { callback_url: `${receiver.baseUrl}/hooks/ok` });
    expect((await fetch(`${stack.baseUrl}/api/v1/tasks/${created.body.id}/cancel`, { method: 'POST' })).status).toBe(
      200,
    );
    await stack.startProcessor();
    await waitFor(() => receiver.requests.some((r) => r.body.includes(created.body.id)), {
      what: `a callback for task ${created.body.id}`,
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    const hit = receiver.requests.find((r) => r.body.includes(created.body.id));
    expect(JSON.parse(hit!.body)).toMatchObject({ id: created.body.id, status: 'cancelled', result: null });
  });
});

describe('callbacks without CALLBACK_SECRET', () => {
  it('are refused with 400 saying how to enable them', async () => {
    const stack = await TestStack.create();
    try {
      await stack.startApi();
      const { status, body } = await upload(stack.baseUrl, audioPath('jfk.wav'), {
        callback_url: 'https://example.com/hook',
      });
      expect(status).toBe(400);
      expect(body.message).toMatch(/CALLBACK_SECRET/);
      expect(await stack.storedUploads()).toEqual([]);
    } finally {
      await stack.destroy();
    }
  });
});
