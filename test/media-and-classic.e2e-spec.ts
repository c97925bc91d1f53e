import { execFileSync } from 'node:child_process';
import { openAsBlob, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath, isTestDouble } from './support/env';
import { childrenNamed } from './support/proc';
import { TestStack } from './support/stack';
import { waitFor } from './support/wait';

/** ffprobe's view of an audio file: codec, sample rate, channels, sample format. */
function probe(path: string): {
  codec_name: string;
  sample_rate: string;
  channels: number;
  bits_per_sample: number;
  sample_fmt: string;
  duration: string;
} {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=codec_name,sample_rate,channels,bits_per_sample,sample_fmt,duration',
    '-of',
    'json',
    path,
  ]);
  return JSON.parse(out.toString()).streams[0];
}

describe('detect-language, extract-audio and the classic ASR task interface', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.running();
  });
  afterAll(() => stack?.destroy());

  it('POST /api/v1/detect-language answers with a language code, synchronously, leaving no file', async () => {
    const { status, body } = await upload(stack.baseUrl, audioPath('zh-funasr-1.wav'), {}, '/api/v1/detect-language');
    expect(status).toBe(200);
    // The test double always detects English; a real model hears Mandarin.
    expect(body).toEqual({ language: isTestDouble() ? 'en' : 'zh' });
    expect(await stack.storedUploads()).toEqual([]);
  });

  it('detect-language: no file → 400, silence → 422 "no speech"', async () => {
    expect((await upload(stack.baseUrl, null, {}, '/api/v1/detect-language')).status).toBe(400);
    const silence = join(stack.env.STORAGE_DIR, 'silence.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '3', silence]);
    const { status, body } = await upload(stack.baseUrl, silence, {}, '/api/v1/detect-language');
    expect(status).toBe(422);
    expect(body.message).toBe('No speech was found in the file.');
  });

  it.each([
    [{}, { codec_name: 'pcm_s16le', sample_rate: '16000', channels: 1 }, 'wav'],
    [
      { output_format: 'wav', sample_rate: '44100', channels: '2', bit_depth: '24' },
      { codec_name: 'pcm_s24le', sample_rate: '44100', channels: 2 },
      'wav',
    ],
    [
      { output_format: 'flac', sample_rate: '22050' },
      { codec_name: 'flac', sample_rate: '22050', channels: 1 },
      'flac',
    ],
    [
      { output_format: 'mp3', sample_rate: '24000', channels: '2' },
      { codec_name: 'mp3', sample_rate: '24000', channels: 2 },
      'mp3',
    ],
    [{ output_format: 'ogg', sample_rate: '48000' }, { codec_name: 'opus', sample_rate: '48000', channels: 1 }, 'ogg'],
    [{ output_format: 'm4a' }, { codec_name: 'aac', sample_rate: '16000', channels: 1 }, 'm4a'],
  ])('POST /api/v1/media/extract-audio %j streams the converted audio', async (fields, expected, extension) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('file', new Blob([execFileSync('cat', [audioPath('jfk.mp3')])]), 'jfk.mp3');
    const response = await fetch(`${stack.baseUrl}/api/v1/media/extract-audio`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`filename="?jfk\\.${extension}"?`));
    // Served inert: a browser neither sniffs nor runs it.
    expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe('sandbox');
    const out = join(stack.env.STORAGE_DIR, `out.${extension}`);
    writeFileSync(out, Buffer.from(await response.arrayBuffer()));
    const info = probe(out);
    expect(info).toMatchObject(expected);
    // The api removes the upload when ffmpeg's output closes, which may be just after the response
    // ends; nothing is logged then, so the condition is the removal itself (a leak times out).
    await waitFor(() => stack.storedUploads(), {
      until: (files) => files.length === 0,
      what: 'the upload to be removed after streaming',
      timeoutMs: 5000,
      intervalMs: 20,
    });
    expect(await stack.storedUploads()).toEqual([]);
  });

  it('extract-audio: a client that goes away ends its ffmpeg at once and the upload is deleted', async () => {
    const api = stack.processes.find((app) => app.name === 'api')!;
    const form = new FormData();
    // 157 s as 48 kHz stereo 32-bit: 60 MB, far more than the socket buffers hold while nothing reads.
    for (const [key, value] of Object.entries({ sample_rate: '48000', channels: '2', bit_depth: '32' }))
      form.append(key, value);
    form.append('file', await openAsBlob(audioPath('long-en-concat-16k.wav')), 'long.wav');
    const encoded = new Response(form);
    const body = Buffer.from(await encoded.arrayBuffer());
    const aborted = new Promise<number>((resolve, reject) => {
      const req = request(
        `${stack.baseUrl}/api/v1/media/extract-audio`,
        { method: 'POST', headers: { 'content-type': encoded.headers.get('content-type')! } },
        (response) => {
          // Headers in and ffmpeg running; read nothing, then go away.
          waitFor(() => childrenNamed(api.pid, 'ffmpeg').length > 0, { what: 'the api to run ffmpeg' }).then(() => {
            req.destroy();
            resolve(response.statusCode!);
          }, reject);
        },
      );
      req.on('error', () => undefined);
      req.end(body);
    });
    expect(await aborted).toBe(200);
    await waitFor(() => childrenNamed(api.pid, 'ffmpeg').length === 0, {
      what: () => `the api's ffmpeg to end (still running: ${childrenNamed(api.pid, 'ffmpeg').join(', ')})`,
      timeoutMs: 5000,
    });
    await waitFor(() => stack.storedUploads(), {
      until: (files) => files.length === 0,
      what: 'the upload to be deleted',
      timeoutMs: 5000,
    });
  });

  it('extract-audio: bad parameters → 400 naming each', async () => {
    const { status, body } = await upload(
      stack.baseUrl,
      audioPath('jfk.wav'),
      { sample_rate: '1000', channels: '6', output_format: 'aiff' },
      '/api/v1/media/extract-audio',
    );
    expect(status).toBe(400);
    expect(body.details.map((d: any) => d.field).sort()).toEqual(['channels', 'output_format', 'sample_rate']);
    const combo = await upload(
      stack.baseUrl,
      audioPath('jfk.wav'),
      { output_format: 'mp3', bit_depth: '24' },
      '/api/v1/media/extract-audio',
    );
    expect(combo.status).toBe(400);
    expect(combo.body.message).toBe('bit_depth applies to wav and flac only, not mp3');
    const opus = await upload(
      stack.baseUrl,
      audioPath('jfk.wav'),
      { output_format: 'ogg', sample_rate: '44100' },
      '/api/v1/media/extract-audio',
    );
    expect(opus.body.details).toEqual([
      { field: 'sample_rate', problems: ['ogg (opus) supports sample_rate 8000, 12000, 16000, 24000, 48000'] },
    ]);
    expect(await stack.storedUploads()).toEqual([]);
  });

  it('classic ASR: POST /api/v1/asr/task → 201 {task_id}; GET → 202 processing, then 200 done', async () => {
    const created = await upload(stack.baseUrl, audioPath('long-en-concat-16k.wav'), {}, '/api/v1/asr/task');
    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual(['task_id']);
    const pending = await getJson(stack.baseUrl, `/api/v1/asr/task/${created.body.task_id}`);
    expect(pending.status).toBe(202);
    expect(pending.body).toEqual({ task_id: created.body.task_id, status: 'processing', result: '' });
    const { task } = await waitForTask(stack.baseUrl, created.body.task_id);
    const done = await getJson(stack.baseUrl, `/api/v1/asr/task/${created.body.task_id}`);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      task_id: task.id,
      status: 'done',
      result: { text: task.result.text, segments: task.result.segments, language: task.result.language },
    });
  });

  it('classic ASR errors keep their shapes: 400 Missing file, 404 not found, 500 error', async () => {
    const missing = await upload(stack.baseUrl, null, {}, '/api/v1/asr/task');
    expect(missing).toMatchObject({ status: 400, body: { error: "Missing 'file'" } });
    for (const id of ['3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10', 'nope']) {
      const notFound = await getJson(stack.baseUrl, `/api/v1/asr/task/${id}`);
      expect(notFound).toMatchObject({ status: 404, body: { task_id: id, status: 'Task not found', result: '' } });
    }
    await stack.processes.find((app) => app.name === 'processor')!.stop(); // keep the next task queued
    const created = await upload(stack.baseUrl, audioPath('jfk.wav'), {}, '/api/v1/asr/task');
    expect(
      (await fetch(`${stack.baseUrl}/api/v1/tasks/${created.body.task_id}/cancel`, { method: 'POST' })).status,
    ).toBe(200);
    const failed = await getJson(stack.baseUrl, `/api/v1/asr/task/${created.body.task_id}`);
    expect(failed).toMatchObject({
      status: 500,
      body: { task_id: created.body.task_id, status: 'error', result: 'Task cancelled' },
    });
    const fake = join(stack.env.STORAGE_DIR, 'fake.mp3');
    writeFileSync(fake, 'not audio at all\n'.repeat(20));
    const bad = await upload(stack.baseUrl, fake, {}, '/api/v1/asr/task');
    expect(bad.status).toBe(415);
    expect(bad.body.error).toMatch(/Not a readable audio or video file/);
  });
});
