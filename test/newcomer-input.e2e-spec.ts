import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import contentDisposition from 'content-disposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { FixtureServer } from './support/fixture-server';
import { TestStack } from './support/stack';
import { waitFor } from './support/wait';

/** A multipart POST with `fields`, and the file (if any) under `fileField` with the name `fileName`. */
async function send(
  baseUrl: string,
  route: string,
  fields: [string, string][],
  file?: { field?: string; name: string },
): Promise<Response> {
  const form = new FormData();
  for (const [key, value] of fields) form.append(key, value);
  if (file) form.append(file.field ?? 'file', await openAsBlob(audioPath('jfk.wav')), file.name);
  return fetch(`${baseUrl}${route}`, { method: 'POST', body: form });
}

/** A response's JSON body, for assertions. */
async function json(response: Response): Promise<any> {
  return response.json();
}

/** The file name a download suggests, decoded as a browser does (`filename*` preferred). */
function downloadName(response: Response): string {
  const header = response.headers.get('content-disposition');
  expect(header, 'Content-Disposition').toBeTruthy();
  const { type, parameters } = contentDisposition.parse(header!);
  expect(type).toBe('attachment');
  return parameters.filename;
}

describe('newcomer input: unknown fields, misnamed files, UTF-8 file names', () => {
  let stack: TestStack;
  /** Receives the callbacks of the file-name tests. */
  const receiver = new FixtureServer().route('/hook', (_request, _body, response) => response.writeHead(204).end());

  beforeAll(async () => {
    await receiver.start();
    stack = await TestStack.running({ CALLBACK_SECRET: 'newcomer', ALLOWED_URL_HOSTS: '127.0.0.1' });
  });
  afterAll(async () => {
    await stack?.destroy();
    await receiver.stop();
  });

  /** Every refused request below: no task row, no stored upload. */
  async function expectNothingCreated(): Promise<void> {
    expect(await stack.sql('SELECT id FROM tasks')).toEqual([]);
    expect(await stack.storedUploads()).toEqual([]);
  }

  describe('unknown fields → 400 naming each one and the field meant', () => {
    it('task creation, multipart: -F lang=de', async () => {
      const response = await send(stack.baseUrl, '/api/v1/tasks', [['lang', 'de']], { name: 'talk.wav' });
      expect(response.status).toBe(400);
      const body = await json(response);
      expect(body.message).toBe('lang is not a field; did you mean language?');
      expect(body.details).toEqual([{ field: 'lang', problems: ['lang is not a field; did you mean language?'] }]);
      await expectNothingCreated();
    });

    it('task creation, JSON: every unknown field is named, with a suggestion or the accepted fields', async () => {
      const { status, body } = await postJson(stack.baseUrl, '/api/v1/tasks', {
        file_url: 'https://example.com/talk.mp3',
        priorty: 'high',
        fileUrl: 'https://example.com/other.mp3',
        zzzz: 1,
      });
      expect(status).toBe(400);
      const problems = Object.fromEntries(body.details.map((d: any) => [d.field, d.problems]));
      expect(problems.priorty).toEqual(['priorty is not a field; did you mean priority?']);
      expect(problems.fileUrl).toEqual(['fileUrl is not a field; did you mean file_url?']);
      expect(problems.zzzz[0]).toMatch(/^zzzz is not a field; the fields are \w/);
      expect(problems.zzzz[0].split('; the fields are ')[1].split(', ')).toEqual(
        expect.arrayContaining(['file_url', 'url', 'language', 'priority']),
      );
      expect(body.message).toContain('did you mean priority?');
      await expectNothingCreated();
    });

    it('a text field named file says the file must be sent as a file', async () => {
      const response = await send(stack.baseUrl, '/api/v1/tasks', [['file', 'talk.mp3']]);
      expect(response.status).toBe(400);
      const body = await json(response);
      expect(body.details[0].field).toBe('file');
      expect(body.message).toMatch(/file must be sent as a file .*curl -F file=@talk\.mp3/);
    });

    it('platform task routes (JSON)', async () => {
      const { status, body } = await postJson(stack.baseUrl, '/api/v1/tiktok/tasks', {
        url: 'https://vm.tiktok.com/ZS8hark01/',
        lang: 'en',
      });
      expect(status).toBe(400);
      expect(body.details).toEqual([{ field: 'lang', problems: ['lang is not a field; did you mean language?'] }]);
      await expectNothingCreated();
    });

    it('query strings: list, subtitles, link resolve', async () => {
      const list = await getJson(stack.baseUrl, '/api/v1/tasks?stauts=completed&limit=5');
      expect(list.status).toBe(400);
      expect(list.body.message).toBe('stauts is not a field; did you mean status?');

      const resolve = await getJson(
        stack.baseUrl,
        `/api/v1/links/resolve?url=${encodeURIComponent('https://vm.tiktok.com/ZS8hark01/')}&platfrom=tiktok`,
      );
      expect(resolve.status).toBe(400);
      expect(resolve.body.details[0].field).toBe('platfrom');

      const subtitles = await getJson(
        stack.baseUrl,
        '/api/v1/tasks/3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10/subtitles?fromat=vtt',
      );
      expect(subtitles.status).toBe(400);
      expect(subtitles.body.message).toBe('fromat is not a field; did you mean format?');
    });

    it('OpenAI routes answer in OpenAI’s error shape, param naming the field', async () => {
      const response = await send(
        stack.baseUrl,
        '/v1/audio/transcriptions',
        [
          ['model', 'whisper-1'],
          ['lang', 'en'],
        ],
        { name: 'talk.wav' },
      );
      expect(response.status).toBe(400);
      expect(await json(response)).toEqual({
        error: {
          message: 'lang is not a field; did you mean language?',
          type: 'invalid_request_error',
          param: 'lang',
          code: null,
        },
      });
      await expectNothingCreated();
    });

    it('classic ASR, extract-audio and detect-language', async () => {
      const asr = await send(stack.baseUrl, '/api/v1/asr/task', [['lang', 'en']], { name: 'talk.wav' });
      expect(asr.status).toBe(400);
      expect(await json(asr)).toEqual({ error: 'lang is not a field; did you mean language?' });

      const extract = await send(stack.baseUrl, '/api/v1/media/extract-audio', [['sampling_rate', '8000']], {
        name: 'talk.wav',
      });
      expect(extract.status).toBe(400);
      expect((await json(extract)).message).toBe('sampling_rate is not a field; did you mean sample_rate?');

      const detect = await send(stack.baseUrl, '/api/v1/detect-language', [['language', 'en']], { name: 'talk.wav' });
      expect(detect.status).toBe(400);
      expect((await json(detect)).details).toEqual([
        { field: 'language', problems: ['language is not a field; this request takes no fields besides the file'] },
      ]);
      await expectNothingCreated();
    });
  });

  describe('a file under another field name → 400 saying the field is file', () => {
    it('task API', async () => {
      const response = await send(stack.baseUrl, '/api/v1/tasks', [], { field: 'audio', name: 'talk.mp3' });
      expect(response.status).toBe(400);
      const body = await json(response);
      expect(body.message).toMatch(/sent as "audio"; send it as the multipart\/form-data field "file"/);
      expect(body.message).not.toMatch(/Unexpected/);
      expect(body.details).toEqual([{ field: 'file', problems: ['the file must be sent as file, not as audio'] }]);
      await expectNothingCreated();
    });

    it('OpenAI route, in its shape', async () => {
      const response = await send(stack.baseUrl, '/v1/audio/transcriptions', [['model', 'whisper-1']], {
        field: 'audio',
        name: 'talk.mp3',
      });
      expect(response.status).toBe(400);
      const { error } = await json(response);
      expect(error).toMatchObject({ type: 'invalid_request_error', param: 'file' });
      expect(error.message).toMatch(/field "file"/);
      await expectNothingCreated();
    });
  });

  // From here on requests create tasks.
  describe('accepted as before', () => {
    it('OpenAI’s timestamp_granularities[] fields stay accepted', async () => {
      const response = await send(
        stack.baseUrl,
        '/v1/audio/transcriptions',
        [
          ['model', 'whisper-1'],
          ['response_format', 'verbose_json'],
          ['timestamp_granularities[]', 'segment'],
        ],
        { name: 'talk.wav' },
      );
      expect(response.status, await response.clone().text()).toBe(200);
      expect((await json(response)).segments.length).toBeGreaterThan(0);
    });
  });

  describe('UTF-8 file names round-trip; only the base name is kept', () => {
    const NAMES: [sent: string, kept: string][] = [
      ['ünïcödé.wav', 'ünïcödé.wav'],
      ['名前.wav', '名前.wav'],
      ['../x.wav', 'x.wav'],
      ['..\\x.wav', 'x.wav'],
      ['a<b>c.wav', 'a<b>c.wav'],
    ];

    it.each(NAMES)(
      '%s → file_name %s, subtitles and callback named after it, stored under a generated name',
      async (sent, kept) => {
        const hook = `${receiver.baseUrl}/hook`;
        const response = await send(
          stack.baseUrl,
          '/api/v1/tasks',
          [
            ['language', 'en'],
            ['callback_url', hook],
          ],
          { name: sent },
        );
        expect(response.status).toBe(201);
        const created = await json(response);
        expect(created.file_name).toBe(kept);
        const [{ media_path }] = await stack.sql<{ media_path: string }>('SELECT media_path FROM tasks WHERE id = $1', [
          created.id,
        ]);
        expect(basename(media_path)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

        const { task } = await waitForTask(stack.baseUrl, created.id);
        expect(task.status).toBe('completed');
        expect(task.file_name).toBe(kept);
        const subtitles = await fetch(`${stack.baseUrl}/api/v1/tasks/${created.id}/subtitles?format=vtt`);
        expect(subtitles.status).toBe(200);
        expect(downloadName(subtitles)).toBe(kept.replace(/\.wav$/, '.vtt'));
        const callback = await waitFor(() => receiver.requests.find((request) => request.body.includes(created.id)), {
          what: `the callback of ${created.id}`,
        });
        expect((JSON.parse(callback.body) as { file_name: string }).file_name).toBe(kept);
      },
    );

    it('extract-audio names its download after the upload', async () => {
      for (const [sent, kept] of NAMES) {
        const response = await send(stack.baseUrl, '/api/v1/media/extract-audio', [['output_format', 'flac']], {
          name: sent,
        });
        expect(response.status, sent).toBe(200);
        expect(downloadName(response), sent).toBe(kept.replace(/\.wav$/, '.flac'));
        await response.arrayBuffer();
      }
    });

    it('names keep no control or bidirectional-override characters, and filename* is decoded once', async () => {
      // filename* (RFC 5987) carries what a plain filename cannot: CR/LF. %2541 must stay %41.
      const encoded = "filename*=UTF-8''%E2%80%AEevil%0D%0A%2541%E5%90%8D.wav";
      const cleaned = 'evil%41名.wav';
      const audio = Buffer.from(await (await openAsBlob(audioPath('jfk.wav'))).arrayBuffer());
      const raw = (route: string, fields: string) =>
        fetch(`${stack.baseUrl}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=hark-boundary' },
          body: Buffer.concat([
            Buffer.from(
              `${fields}--hark-boundary\r\nContent-Disposition: form-data; name="file"; filename="x.wav"; ${encoded}\r\nContent-Type: audio/wav\r\n\r\n`,
            ),
            audio,
            Buffer.from('\r\n--hark-boundary--\r\n'),
          ]),
        });
      const created = await raw('/api/v1/tasks', '');
      expect(created.status).toBe(201);
      const { id, file_name } = await json(created);
      expect(file_name).toBe(cleaned);
      expect((await getJson(stack.baseUrl, `/api/v1/tasks/${id}`)).body.file_name).toBe(cleaned);

      const format = '--hark-boundary\r\nContent-Disposition: form-data; name="output_format"\r\n\r\nflac\r\n';
      const extracted = await raw('/api/v1/media/extract-audio', format);
      expect(extracted.status).toBe(200);
      expect(downloadName(extracted)).toBe(cleaned.replace(/\.wav$/, '.flac'));
      await extracted.arrayBuffer();

      // A plain (FormData) file name with a right-to-left override.
      const plain = await send(stack.baseUrl, '/api/v1/tasks', [], { name: 'invoice\u202Egpj.wav' });
      expect((await json(plain)).file_name).toBe('invoicegpj.wav');
    });
  });
});

describe('admin UI off', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create({ API_KEYS: 'alice:newcomer-secret' });
    await stack.startApi();
  });
  afterAll(() => stack?.destroy());

  it('/admin/queues says it is off and names the variables that turn it on, without an API key', async () => {
    for (const path of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues']) {
      for (const method of ['GET', 'POST']) {
        const response = await fetch(`${stack.baseUrl}${path}`, { method });
        expect(response.status, `${method} ${path}`).toBe(404);
        const body = await json(response);
        expect(body.message, `${method} ${path}`).toMatch(/admin UI \(Bull Board\) is off/);
        expect(body.message).toMatch(/ADMIN_USER and ADMIN_PASSWORD/);
        expect(body.message).not.toMatch(/Cannot (GET|POST)/);
      }
    }
  });

  it('other routes still need the API key', async () => {
    expect((await fetch(`${stack.baseUrl}/api/v1/tasks`)).status).toBe(401);
  });
});
