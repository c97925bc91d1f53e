import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';

/**
 * "Denied by default": with API keys set, no spelling of any documented route reaches a handler
 * without a key. Requests are sent with node:http, which sends the path as written (fetch would
 * normalize some of these forms before they left the test).
 */

const KEY = 'bypass-test-secret';
const DOCUMENT = JSON.parse(readFileSync(resolve(__dirname, '../apps/api/openapi.json'), 'utf8'));
/** The only routes that answer without a key. */
const PUBLIC_PATHS = ['/health/live', '/health/ready'];

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTP request with the path exactly as given. */
function raw(
  baseUrl: string,
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: Buffer } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((done, fail) => {
    let answered = false;
    const request = httpRequest(
      {
        host: hostname,
        port,
        method,
        path,
        agent: false,
        timeout: 10_000,
        headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (response) => {
        answered = true;
        if (String(response.headers['content-type']).startsWith('text/event-stream')) {
          // A live events stream stays open while its task runs: the status is the answer.
          done({ status: response.statusCode!, headers: response.headers, text: '' });
          request.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          done({ status: response.statusCode!, headers: response.headers, text: Buffer.concat(chunks).toString() }),
        );
        response.on('error', fail);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    // The server may answer 401 and close before reading a large body; the answer is what counts.
    request.on('error', (error) => {
      if (!answered) fail(error);
    });
    request.end(body);
  });
}

/** A multipart/form-data body, as `curl -F` sends it. */
function multipart(fields: Record<string, string>, file?: { name: string; content: Buffer }) {
  const boundary = `----hark${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: audio/wav\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: Buffer.concat(parts) };
}

const json = (value: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(value)),
});

/**
 * A request that would do real work if it reached the handler (create a task, transcribe, …), so
 * a request that got through would show up as a new task or a changed one, not only as a status.
 */
function bodyFor(method: string, template: string, audio: Buffer): { headers?: Record<string, string>; body?: Buffer } {
  if (method !== 'post') return {};
  const wav = { name: 'jfk.wav', content: audio };
  switch (template) {
    case '/api/v1/tasks':
    case '/api/v1/asr/task':
    case '/api/v1/detect-language':
      return multipart({}, wav);
    case '/api/v1/media/extract-audio':
      return multipart({ output_format: 'wav' }, wav);
    case '/v1/audio/transcriptions':
    case '/v1/audio/translations':
      return multipart({ model: 'whisper-1' }, wav);
    case '/api/v1/tiktok/tasks':
      return json({ url: 'https://www.tiktok.com/@hark.demo/video/7301234567890123456' });
    case '/api/v1/douyin/tasks':
      return json({ url: 'https://www.douyin.com/video/7301234567890123456' });
    default:
      return {}; // cancel, retry, callback/redeliver act on the task itself
  }
}

/** Query strings that make a GET route do its work when reached. */
const QUERIES: Record<string, string> = {
  '/api/v1/links/resolve': '?url=https%3A%2F%2Fvm.tiktok.com%2FZS8hark01%2F',
  '/api/v1/tasks/{id}/subtitles': '?format=srt',
};

const mixedCase = (text: string) =>
  [...text].map((char, index) => (index % 2 ? char.toLowerCase() : char.toUpperCase())).join('');
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const encodedFirstLetter = (text: string) =>
  text.replace(/[a-z]/i, (letter) => `%${letter.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Spellings of a route: letter case, percent-encoded letters, doubled slashes, trailing slashes, and
 * a few other forms a router might normalize. `literal` rewrites each fixed segment (not the id).
 */
function variants(template: string, id: string): Map<string, string> {
  const segments = template.split('/').slice(1);
  const build = (literal: (segment: string, index: number) => string) =>
    '/' + segments.map((segment, index) => (segment.startsWith('{') ? id : literal(segment, index))).join('/');
  const plain = build((segment) => segment);
  const forms = new Map<string, string>([
    ['as documented', plain],
    ['upper case', build((segment) => segment.toUpperCase())],
    ['mixed case', build(mixedCase)],
    ['capitalized', build(capitalized)],
    ['upper-case id', plain.replace(id, id.toUpperCase())],
    ['trailing slash', `${plain}/`],
    ['upper case, trailing slash', `${build((segment) => segment.toUpperCase())}/`],
    ['double trailing slash', `${plain}//`],
    ['double slashes', plain.replaceAll('/', '//')],
    ['leading double slash', `/${plain}`],
    ['dot segment', `${plain}/.`],
    ['dot-dot segment', `${plain}/x/..`],
    ['encoded slash', plain.replace(/^(\/[^/]+)\//, '$1%2F')],
    ['semicolon', `${plain};x`],
  ]);
  segments.forEach((segment, index) => {
    if (!segment.startsWith('{') && /[a-z]/i.test(segment))
      forms.set(
        `percent-encoded letter in segment ${index + 1}`,
        build((literal, at) => (at === index ? encodedFirstLetter(literal) : literal)),
      );
  });
  return forms;
}

/** Every operation of the committed OpenAPI document. */
const OPERATIONS: { method: string; template: string; operation: any }[] = Object.entries<any>(DOCUMENT.paths).flatMap(
  ([template, methods]) => Object.entries<any>(methods).map(([method, operation]) => ({ method, template, operation })),
);

/**
 * The guard's 401, in the error shape of the route `template` (of the document; none for the docs):
 * OpenAI's on /v1, the classic `{"error": "…"}` on the classic ASR routes, the api's own elsewhere.
 */
function isMissingKey(response: RawResponse, template?: string): boolean {
  if (response.status !== 401) return false;
  if (!response.text) return true; // HEAD
  const body = JSON.parse(response.text);
  if (template?.startsWith('/v1/'))
    return body.error?.code === 'invalid_api_key' && body.error.type === 'invalid_request_error';
  if (template?.startsWith('/api/v1/asr/')) return /^Missing API key/.test(body.error);
  return body.code === 'invalid_api_key' && body.statusCode === 401 && /^Missing API key/.test(body.message);
}

/** Express found no route for this form: Nest's "Cannot <METHOD> <path>" 404. */
function isNoRoute(response: RawResponse): boolean {
  if (response.status !== 404) return false;
  if (!response.text) return true; // HEAD
  return /^Cannot [A-Z]+ /.test(JSON.parse(response.text).message ?? '');
}

describe('denied by default: every documented route, every spelling, without a key', () => {
  let stack: TestStack;
  let taskId: string;
  let audio: Buffer;
  const auth = { authorization: `Bearer ${KEY}` };

  /** Everything a request that reached a handler would leave behind. */
  const state = async () => ({
    tasks: await stack.sql(`SELECT id, status, updated_at, callback_status, api_key_name FROM tasks ORDER BY id`),
    uploads: (await stack.storedUploads()).sort(),
  });

  beforeAll(async () => {
    stack = await TestStack.create({
      API_KEYS: `owner:${KEY}`,
      OPENAI_WAIT_MS: '1000',
      CALLBACK_SECRET: 'bypass-test-callback-secret',
      ADMIN_USER: 'admin',
      ADMIN_PASSWORD: 'bypass-test-admin-password',
    });
    await stack.startApi(); // no processor: the task stays queued, so any change to it shows
    audio = readFileSync(audioPath('jfk.wav'));
    const form = multipart({}, { name: 'jfk.wav', content: audio });
    const created = await raw(stack.baseUrl, 'POST', '/api/v1/tasks', {
      body: form.body,
      headers: { ...form.headers, ...auth },
    });
    expect(created.status, created.text).toBe(201);
    taskId = JSON.parse(created.text).id;
  });
  afterAll(() => stack?.destroy());

  it('the committed document marks exactly the health probes public, every other operation needs the bearer key', () => {
    expect(DOCUMENT.security).toEqual([{ bearer: [] }]);
    expect(DOCUMENT.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const open = OPERATIONS.filter(({ operation }) => JSON.stringify(operation.security) === '[{}]');
    expect(open.map(({ template }) => template).sort()).toEqual([...PUBLIC_PATHS].sort());
    expect(OPERATIONS.length).toBeGreaterThan(PUBLIC_PATHS.length + 10);
  });

  it('no request without a key reaches a handler: 401, or 404 where no route matches; nothing changes', async () => {
    const before = await state();
    const seen: string[] = [];
    const leaks: string[] = [];
    for (const { method, template } of OPERATIONS) {
      if (PUBLIC_PATHS.includes(template)) continue;
      for (const [form, path] of variants(template, taskId)) {
        for (const verb of [method.toUpperCase(), 'HEAD', 'OPTIONS']) {
          const query = verb === 'GET' || verb === 'HEAD' ? (QUERIES[template] ?? '') : '';
          const { headers, body } = verb === method.toUpperCase() ? bodyFor(method, template, audio) : {};
          const described = `${verb} ${path}${query} (${form} of ${method.toUpperCase()} ${template})`;
          const response = await raw(stack.baseUrl, verb, path + query, { headers, body }).catch((error: Error) => {
            leaks.push(`${described} → ${error.message}`); // a handler at work (e.g. waiting for a processor)
            return null;
          });
          if (!response) continue;
          const outcome = isMissingKey(response, template) ? '401' : isNoRoute(response) ? '404' : null;
          if (!outcome) leaks.push(`${described} → ${response.status} ${response.text.slice(0, 200)}`);
          seen.push(outcome ?? String(response.status));
        }
      }
    }
    expect(leaks).toEqual([]);
    // Both outcomes occur: the case, trailing-slash and HEAD forms are routed (and refused),
    // the encoded and doubled forms are routed nowhere.
    expect(seen.filter((outcome) => outcome === '401').length).toBeGreaterThan(100);
    expect(seen.filter((outcome) => outcome === '404').length).toBeGreaterThan(100);
    expect(await state()).toEqual(before);
  });

  it('the same spellings reach the handlers with the key (so the 401s above are the guard, not the router)', async () => {
    const gets = OPERATIONS.filter(({ method, template }) => method === 'get' && !PUBLIC_PATHS.includes(template));
    for (const { template } of gets) {
      const forms = variants(template, taskId);
      for (const form of ['upper case', 'mixed case', 'capitalized', 'trailing slash', 'upper case, trailing slash']) {
        const path = forms.get(form)! + (QUERIES[template] ?? '');
        const response = await raw(stack.baseUrl, 'GET', path, { headers: auth });
        // Reached the handler: anything but the guard's 401 and the router's 404 (e.g. 409 for
        // subtitles of a queued task, 502 for a link this machine cannot resolve).
        expect(response.status === 401 || isNoRoute(response), `GET ${path} → ${response.status}`).toBe(false);
      }
    }
    // A write through a case variant is a real request, too: it creates a task.
    const form = multipart({}, { name: 'jfk.wav', content: audio });
    const created = await raw(stack.baseUrl, 'POST', '/API/V1/TASKS', {
      body: form.body,
      headers: { ...form.headers, ...auth },
    });
    expect(created.status, created.text).toBe(201);
    expect(JSON.parse(created.text).api_key_name).toBe('owner');
  });

  it('the health probes stay public, in any spelling', async () => {
    for (const path of ['/health/live', '/health/ready', '/HEALTH/LIVE', '/Health/Ready/']) {
      const response = await raw(stack.baseUrl, 'GET', path);
      expect(response.status, path).toBe(200);
      expect(JSON.parse(response.text).status).toBe('ok');
    }
    expect((await raw(stack.baseUrl, 'HEAD', '/health/live')).status).toBe(200);
  });

  it('the docs (UI, its assets, JSON and YAML) need the key while DOCS_PUBLIC is false', async () => {
    const docs = [
      '/docs',
      '/docs/',
      '/DOCS',
      '/Docs/',
      '/docs/index.html',
      '/docs/swagger-ui-init.js', // holds the whole document
      '/docs/swagger-ui.css',
      '/docs-json',
      '/DOCS-JSON',
      '/docs-json/',
      '/docs-yaml',
      '/Docs-Yaml',
    ];
    for (const path of docs) {
      for (const verb of ['GET', 'HEAD']) {
        const refused = await raw(stack.baseUrl, verb, path);
        expect(isMissingKey(refused), `${verb} ${path} without a key → ${refused.status}`).toBe(true);
        const served = await raw(stack.baseUrl, verb, path, { headers: auth });
        expect(served.status, `${verb} ${path} with the key`).toBe(200);
      }
    }
    const wrong = await raw(stack.baseUrl, 'GET', '/docs-json', { headers: { authorization: 'Bearer not-a-key' } });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text)).toMatchObject({
      code: 'invalid_api_key',
      message: expect.stringMatching(/^Invalid API key/),
    });
    const document = JSON.parse((await raw(stack.baseUrl, 'GET', '/docs-json', { headers: auth })).text);
    expect(Object.keys(document.paths)).toEqual(Object.keys(DOCUMENT.paths));
  });

  it('Bull Board keeps its own basic auth: an API key does not open it', async () => {
    for (const path of ['/admin/queues', '/ADMIN/QUEUES/', '/admin/queues/api/queues']) {
      expect((await raw(stack.baseUrl, 'GET', path)).status, path).toBe(401);
      expect((await raw(stack.baseUrl, 'GET', path, { headers: auth })).status, path).toBe(401);
    }
    const basic = `Basic ${Buffer.from('admin:bypass-test-admin-password').toString('base64')}`;
    expect((await raw(stack.baseUrl, 'GET', '/admin/queues', { headers: { authorization: basic } })).status).toBe(200);
  });
});

describe('DOCS_PUBLIC=true', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create({ API_KEYS: `owner:${KEY}`, DOCS_PUBLIC: 'true' });
    await stack.startApi();
  });
  afterAll(() => stack?.destroy());

  it('serves the docs without a key; the API still needs one', async () => {
    for (const path of ['/docs', '/docs/swagger-ui-init.js', '/docs-json', '/docs-yaml'])
      expect((await raw(stack.baseUrl, 'GET', path)).status, path).toBe(200);
    for (const [path, template] of [
      ['/api/v1/tasks', '/api/v1/tasks'],
      ['/API/V1/TASKS', '/api/v1/tasks'],
      ['/V1/Models', '/v1/models'],
    ])
      expect(isMissingKey(await raw(stack.baseUrl, 'GET', path), template), path).toBe(true);
  });
});
