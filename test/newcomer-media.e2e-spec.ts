import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';
import { waitFor } from './support/wait';

/** ffprobe's format duration of a file, in seconds (NaN when ffprobe says N/A). */
function probedDuration(path: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', path]);
  return Number((JSON.parse(out.toString()) as { format: { duration?: string } }).format.duration);
}

describe('media edge cases: detected languages, files without samples or cut short, extracted FLAC', () => {
  let stack: TestStack;
  let scratch: string;
  /** The api's TMPDIR, where extract-audio writes a FLAC before sending it. */
  let apiTmp: string;

  beforeAll(async () => {
    apiTmp = await mkdtemp(join(tmpdir(), 'hark-api-tmp-'));
    stack = await TestStack.running({ TMPDIR: apiTmp });
    scratch = stack.env.STORAGE_DIR;
  });
  afterAll(async () => {
    await stack?.destroy();
    await rm(apiTmp, { recursive: true, force: true });
  });

  const call = async (method: string, route: string) => {
    const response = await fetch(`${stack.baseUrl}${route}`, { method });
    return { status: response.status, body: await response.json() };
  };

  it('an auto-detected task shows the detected language, keeps the request (null), and ?language= finds it', async () => {
    const created = await upload(stack.baseUrl, audioPath('jfk.wav'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ language: null, language_requested: null });
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task.status).toBe('completed');
    // The test double detects English, as a real model does on jfk.wav.
    expect(task.result.language).toBe('en');
    expect(task).toMatchObject({ language: 'en', language_requested: null, media_truncated: false });

    const english = await getJson(stack.baseUrl, '/api/v1/tasks?language=en&limit=100');
    expect(english.body.items.map((item: { id: string }) => item.id)).toContain(task.id);
    const german = await getJson(stack.baseUrl, '/api/v1/tasks?language=de&limit=100');
    expect(german.body.items.map((item: { id: string }) => item.id)).not.toContain(task.id);
  });

  it('a requested language is both the request and the transcript language', async () => {
    const created = await upload(stack.baseUrl, audioPath('jfk.wav'), { language: 'de' });
    expect(created.body).toMatchObject({ language: 'de', language_requested: 'de' });
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task).toMatchObject({ status: 'completed', language: 'de', language_requested: 'de' });
    expect(task.result.language).toBe('de');
  });

  it('a retried task decodes in the requested language, not the language an earlier outcome left', async () => {
    const created = await upload(stack.baseUrl, audioPath('jfk.wav'), { language: 'de' });
    await waitForTask(stack.baseUrl, created.body.id);
    // As a task from before decode_options were stored, whose `language` holds another transcript's language.
    await stack.sql(
      `UPDATE tasks SET status = 'failed', language = 'fr', decode_options = NULL, error = 'x' WHERE id = $1`,
      [created.body.id],
    );
    const retried = await call('POST', `/api/v1/tasks/${created.body.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'queued', language: 'de', language_requested: 'de', result: null });
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task).toMatchObject({ status: 'completed', language: 'de', language_requested: 'de' });
    expect(task.result.language).toBe('de');
  });

  it('a WAV that is only a header (no samples) → 422 saying it holds no audio samples, and no task', async () => {
    const headerOnly = join(scratch, 'header-only.wav');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=16000:cl=mono',
      '-t',
      '0',
      headerOnly,
    ]);
    const before = await stack.sql('SELECT id FROM tasks');
    const { status, body } = await upload(stack.baseUrl, headerOnly);
    expect(status).toBe(422);
    expect(body).toMatchObject({ statusCode: 422, code: 'empty' });
    expect(body.message).toMatch(/holds no audio samples/);
    expect(await stack.sql('SELECT id FROM tasks')).toEqual(before);
  });

  it('a file cut short: duration becomes what was decoded, and media_truncated says so', async () => {
    // jfk.mp3's header (Xing) states 11.088 s; keep only the first quarter of its bytes, header unchanged.
    const whole = readFileSync(audioPath('jfk.mp3'));
    const cut = join(scratch, 'jfk-cut.mp3');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 4)));
    const declared = probedDuration(cut);
    expect(declared).toBeCloseTo(11.088, 2);

    const created = await upload(stack.baseUrl, cut);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ duration: declared, media_truncated: null });
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task.status).toBe('completed');
    expect(task.media_truncated).toBe(true);
    expect(task.duration).toBe(task.result.duration);
    expect(task.duration).toBeGreaterThan(2);
    expect(task.duration).toBeLessThan(4);
  });

  it('an intact file is not marked truncated and keeps (about) its header duration', async () => {
    const created = await upload(stack.baseUrl, audioPath('jfk.mp3'));
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task).toMatchObject({ status: 'completed', media_truncated: false });
    expect(task.duration).toBe(task.result.duration);
    expect(Math.abs(task.duration - created.body.duration)).toBeLessThan(0.2);
  });

  it('extract-audio as flac: the FLAC has a finite duration close to the source, and no file is left behind', async () => {
    const source = audioPath('jfk.wav');
    const form = new FormData();
    form.append('output_format', 'flac');
    form.append('file', new Blob([readFileSync(source)]), 'jfk.wav');
    const response = await fetch(`${stack.baseUrl}/api/v1/media/extract-audio`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/flac/);
    const out = join(scratch, 'jfk.flac');
    writeFileSync(out, Buffer.from(await response.arrayBuffer()));
    const duration = probedDuration(out);
    expect(Number.isFinite(duration)).toBe(true);
    expect(Math.abs(duration - probedDuration(source))).toBeLessThan(0.05);
    await waitFor(() => readdir(apiTmp), {
      until: (files) => files.length === 0,
      what: "the FLAC's temporary file to be removed after the response",
      timeoutMs: 5000,
      intervalMs: 20,
    });
  });
});
