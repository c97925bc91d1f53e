import { openAsBlob, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from './support/api-client';
import { audioPath } from './support/env';
import { FixtureServer } from './support/fixture-server';
import { TestStack } from './support/stack';

/** What a request sends: a multipart form (with the file at `file`, if given) or a JSON body, and headers. */
interface Request {
  route?: string;
  form?: Record<string, string>;
  file?: string;
  json?: Record<string, unknown>;
  key?: string;
  auth?: string;
}

/** POSTs like a client would, with an `Idempotency-Key` when `key` is given. */
async function send(baseUrl: string, request: Request): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (request.key !== undefined) headers['idempotency-key'] = request.key;
  if (request.auth) headers.authorization = `Bearer ${request.auth}`;
  let body: FormData | string;
  if (request.json) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else {
    body = new FormData();
    for (const [name, value] of Object.entries(request.form ?? {})) body.append(name, value);
    if (request.file) body.append('file', await openAsBlob(request.file), basename(request.file));
  }
  const response = await fetch(`${baseUrl}${request.route ?? '/api/v1/tasks'}`, { method: 'POST', headers, body });
  const text = await response.text();
  const parsed: unknown = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  return { status: response.status, body: parsed, headers: response.headers };
}

const replayed = (response: ApiResponse) => response.headers.get('idempotent-replayed');

/**
 * `Idempotency-Key` on the creating routes: a repeat (after a network error, a timeout) by the same
 * key owner within 24 h gets the original task and creates nothing (no row, no stored file), even
 * when the repeats arrive at once; the same key with another request is 409.
 */
describe('Idempotency-Key (open service)', () => {
  let stack: TestStack;
  const media = new FixtureServer();

  beforeAll(async () => {
    const jfk = readFileSync(audioPath('jfk.wav'));
    await media
      .route('/talks/jfk.wav', (_req, _body, res) =>
        res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': jfk.length }).end(jfk),
      )
      .start();
    stack = await TestStack.running({ ALLOWED_URL_HOSTS: '127.0.0.1' });
  });
  afterAll(async () => {
    await stack?.destroy();
    await media.stop();
  });

  const create = (request: Request) => send(stack.baseUrl, request);
  const tasksWithKey = async (key: string) =>
    (await stack.sql<{ id: string }>('SELECT id FROM tasks WHERE idempotency_key = $1', [key])).map((row) => row.id);
  /** Stored uploads no task refers to: a repeat or a refused request must leave none. */
  const orphanUploads = async () => {
    const rows = await stack.sql<{ media_path: string }>('SELECT media_path FROM tasks WHERE media_path IS NOT NULL');
    const referenced = new Set(rows.map((row) => basename(row.media_path)));
    return (await stack.storedUploads()).filter((name) => !referenced.has(name));
  };

  it('a repeated upload gets the original task (201, Idempotent-Replayed: true) and stores nothing', async () => {
    const key = 'upload-once-1';
    const request = { file: audioPath('jfk.wav'), form: { language: 'en', priority: 'high' }, key };
    const first = await create(request);
    expect(first.status).toBe(201);
    expect(replayed(first)).toBeNull();
    const uploads = await stack.storedUploads();

    const repeat = await create(request);
    expect(repeat.status).toBe(201);
    expect(replayed(repeat)).toBe('true');
    expect(repeat.body.id).toBe(first.body.id);
    expect(repeat.body).toMatchObject({ source: 'upload', language: 'en', priority: 'high', file_name: 'jfk.wav' });
    expect(await tasksWithKey(key)).toEqual([first.body.id]);
    expect(await stack.storedUploads()).toEqual(uploads);
    expect(await orphanUploads()).toEqual([]);
  });

  it('a repeated JSON file_url request gets the original task', async () => {
    const key = 'url-once-1';
    const json = { file_url: `${media.baseUrl}/talks/jfk.wav`, callback_include_result: false };
    const first = await create({ json, key });
    const repeat = await create({ json: { ...json }, key });
    expect([first.status, repeat.status]).toEqual([201, 201]);
    expect([replayed(first), replayed(repeat)]).toEqual([null, 'true']);
    expect(repeat.body.id).toBe(first.body.id);
    expect(await tasksWithKey(key)).toEqual([first.body.id]);
    // Without the key, the same request is a new task each time.
    const plain = await create({ json });
    expect(plain.status).toBe(201);
    expect(plain.body.id).not.toBe(first.body.id);
  });

  it('the same key with another request is 409 idempotency_conflict, and nothing is created', async () => {
    const key = 'conflict-1';
    const first = await create({ file: audioPath('jfk.wav'), form: { language: 'en' }, key });
    expect(first.status).toBe(201);
    const expectConflict = (response: ApiResponse) => {
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({
        statusCode: 409,
        error: 'Conflict',
        code: 'idempotency_conflict',
        message: expect.stringMatching(
          new RegExp(
            `^Idempotency-Key "${key}" was already used for a different request \\(task ${first.body.id}, .*new key`,
          ),
        ),
        details: [{ field: 'Idempotency-Key', problems: [expect.any(String)] }],
      });
    };
    // Another field …
    expectConflict(await create({ file: audioPath('jfk.wav'), form: { language: 'de' }, key }));
    // … another file with the same fields …
    expectConflict(await create({ file: audioPath('zh-funasr-0.wav'), form: { language: 'en' }, key }));
    // … or a file_url instead of the upload.
    expectConflict(await create({ json: { file_url: `${media.baseUrl}/talks/jfk.wav`, language: 'en' }, key }));
    expect(await tasksWithKey(key)).toEqual([first.body.id]);
    expect(await orphanUploads()).toEqual([]);
  });

  it('five concurrent repeats make one task; the others get it, and their uploads are deleted', async () => {
    const key = 'concurrent-1';
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => create({ file: audioPath('jfk.wav'), form: { language: 'en' }, key })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    const ids = new Set(answers.map((answer) => answer.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((answer) => replayed(answer) === 'true')).toHaveLength(4);
    expect(await tasksWithKey(key)).toEqual([...ids]);
    expect(await orphanUploads()).toEqual([]);
  });

  it('after 24 h the key may be used again, for a new task', async () => {
    const key = 'day-old-1';
    const json = { file_url: `${media.baseUrl}/talks/jfk.wav` };
    const first = await create({ json, key });
    await stack.sql(`UPDATE tasks SET created_at = now() - interval '24 hours 1 minute' WHERE id = $1`, [
      first.body.id,
    ]);
    const later = await create({ json: { ...json, language: 'en' }, key }); // even for another request
    expect(later.status).toBe(201);
    expect(replayed(later)).toBeNull();
    expect(later.body.id).not.toBe(first.body.id);
    expect((await tasksWithKey(key)).sort()).toEqual([first.body.id, later.body.id].sort());
  });

  it('an invalid Idempotency-Key is 400 saying what a key must be; nothing is created', async () => {
    const before = await stack.sql('SELECT id FROM tasks');
    for (const key of ['', 'x'.repeat(256), 'tab\there']) {
      const response = await create({ file: audioPath('jfk.wav'), key });
      expect(response.status, JSON.stringify(key)).toBe(400);
      expect(response.body).toMatchObject({
        message: expect.stringMatching(/^Idempotency-Key must be 1–255 printable ASCII characters .*e\.g\. a UUID/),
        details: [{ field: 'Idempotency-Key' }],
      });
    }
    expect(await create({ json: { file_url: `${media.baseUrl}/talks/jfk.wav` }, key: 'x'.repeat(255) })).toMatchObject({
      status: 201,
    });
    expect((await stack.sql('SELECT id FROM tasks')).length).toBe(before.length + 1);
    expect(await orphanUploads()).toEqual([]);
  });

  it('OpenAI endpoint: the same key twice at once is one task; the repeat waits for it and gets its result', async () => {
    const key = 'openai-once-1';
    const request = {
      route: '/v1/audio/transcriptions',
      file: audioPath('jfk.wav'),
      form: { model: 'whisper-1', response_format: 'verbose_json' },
      key,
    };
    const answers = await Promise.all([create(request), create(request)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers[1].body).toEqual(answers[0].body);
    expect(answers.map(replayed).sort()).toEqual(['true', null].sort());
    const ids = await tasksWithKey(key);
    expect(ids).toHaveLength(1);
    const [row] = await stack.sql<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [ids[0]]);
    expect(row.status).toBe('completed');
    // Once more, after the task completed: its result at once.
    const again = await create(request);
    expect(again.status).toBe(200);
    expect(replayed(again)).toBe('true');
    expect(again.body).toEqual(answers[0].body);
    expect(await tasksWithKey(key)).toEqual(ids);
    // The same key with another response format is another request: 409, in OpenAI's error shape.
    const other = await create({ ...request, form: { model: 'whisper-1', response_format: 'text' } });
    expect(other.status).toBe(409);
    expect(other.body).toEqual({
      error: {
        message: expect.stringMatching(/^Idempotency-Key "openai-once-1" was already used for a different request/),
        type: 'invalid_request_error',
        param: 'Idempotency-Key',
        code: 'idempotency_conflict',
      },
    });
    expect(await orphanUploads()).toEqual([]);
  });
});

describe('Idempotency-Key with API keys: scoped to the key owner', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create({ API_KEYS: 'alice:secret-alice,bob:secret-bob', ALLOWED_URL_HOSTS: '127.0.0.1' });
    await stack.startApi(); // creating tasks needs no processor
  });
  afterAll(() => stack?.destroy());

  it("one owner's key is not another's: the same key makes a task for each, and each repeat gets its own", async () => {
    const json = { file_url: 'http://127.0.0.1:9/talk.wav' };
    const create = (auth: string) => send(stack.baseUrl, { json, key: 'shared-key-1', auth });
    const alice = await create('secret-alice');
    const bob = await create('secret-bob');
    expect([alice.status, bob.status]).toEqual([201, 201]);
    expect([replayed(alice), replayed(bob)]).toEqual([null, null]);
    expect(bob.body.id).not.toBe(alice.body.id);
    const [aliceAgain, bobAgain] = [await create('secret-alice'), await create('secret-bob')];
    expect([aliceAgain.body.id, bobAgain.body.id]).toEqual([alice.body.id, bob.body.id]);
    expect([replayed(aliceAgain), replayed(bobAgain)]).toEqual(['true', 'true']);
    const rows = await stack.sql<{ api_key_name: string }>(
      'SELECT api_key_name FROM tasks WHERE idempotency_key = $1 ORDER BY api_key_name',
      ['shared-key-1'],
    );
    expect(rows.map((row) => row.api_key_name)).toEqual(['alice', 'bob']);
  });
});
