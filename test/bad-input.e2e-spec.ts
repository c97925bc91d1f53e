import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload } from './support/api-client';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';

/** Small enough that jfk.wav (352 078 bytes) is over it and zh-funasr-0.wav (177 572) is under. */
const MAX_UPLOAD_BYTES = 300_000;

describe('bad input gets a clear error and leaves nothing behind', () => {
  let stack: TestStack;
  let scratch: string;

  beforeAll(async () => {
    stack = await TestStack.create({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
    await stack.startApi();
    scratch = stack.env.STORAGE_DIR;
  });
  afterAll(() => stack?.destroy());

  afterEach(async () => {
    // Every rejected request: no task row, no stored upload.
    expect(await stack.sql('SELECT id FROM tasks')).toEqual([]);
    expect(await stack.storedUploads()).toEqual([]);
  });

  it('no file → 400 naming the file field', async () => {
    const { status, body } = await upload(stack.baseUrl, null, { language: 'en' });
    expect(status).toBe(400);
    expect(body.message).toMatch(/file is missing.*multipart\/form-data field "file"/);
    expect(body.details).toEqual([{ field: 'file', problems: ['file is required'] }]);
  });

  it('empty file → 422 saying it is empty', async () => {
    const empty = join(scratch, 'empty.wav');
    writeFileSync(empty, '');
    const { status, body } = await upload(stack.baseUrl, empty);
    expect(status).toBe(422);
    expect(body.message).toMatch(/empty/);
  });

  it('a text file renamed .mp3 → 415 saying it is not audio or video', async () => {
    const fake = join(scratch, 'notes.mp3');
    writeFileSync(fake, 'These are meeting notes, not audio.\n'.repeat(20));
    const { status, body } = await upload(stack.baseUrl, fake);
    expect(status).toBe(415);
    expect(body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    expect(body.message).toMatch(/Not a readable audio or video file/);
  });

  it('a video without audio → 422 saying there is no audio stream', async () => {
    const { execFileSync } = await import('node:child_process');
    const silentVideo = join(scratch, 'silent.mp4');
    execFileSync('ffmpeg', [
      ...'-v error -y -f lavfi -i color=c=red:s=64x64:r=5:d=1 -c:v libx264'.split(' '),
      silentVideo,
    ]);
    const { status, body } = await upload(stack.baseUrl, silentVideo);
    expect(status).toBe(422);
    expect(body.message).toMatch(/no audio stream/);
  });

  it('over MAX_UPLOAD_BYTES → 413 naming the limit', async () => {
    const { status, body } = await upload(stack.baseUrl, audioPath('jfk.wav'));
    expect(status).toBe(413);
    expect(body.message).toContain(`${MAX_UPLOAD_BYTES} bytes (MAX_UPLOAD_BYTES)`);
  });

  it("the api survives oversized uploads in a row (the early 413 and multer's own never collide)", async () => {
    for (let i = 0; i < 20; i++) {
      const { status } = await upload(stack.baseUrl, audioPath('jfk.wav')).catch(() => ({ status: 0 }));
      expect([0, 413]).toContain(status); // 0: the connection closed before the answer was read
    }
    expect((await fetch(`${stack.baseUrl}/health/live`)).status).toBe(200);
  });

  it.each([
    ['task', { task: 'summarize' }, /task must be one of the following values: transcribe, translate/],
    ['priority', { priority: 'urgent' }, /priority must be one of the following values: high, normal, low/],
    [
      'language',
      { language: 'klingon' },
      /language must be a Whisper language code \(en, zh, .*\) or empty for auto-detection/,
    ],
  ])('invalid %s → 400 naming the field and the allowed values', async (field, fields, message) => {
    const { status, body } = await upload(stack.baseUrl, audioPath('zh-funasr-0.wav'), fields);
    expect(status).toBe(400);
    expect(body.message).toMatch(message);
    expect(body.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
  });

  it('unknown task id → 404, malformed id → 400', async () => {
    const missing = await getJson(stack.baseUrl, '/api/v1/tasks/3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/No task with id 3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10/);
    const malformed = await getJson(stack.baseUrl, '/api/v1/tasks/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/must be a UUID/);
  });
});

describe('invalid configuration stops the app at start', () => {
  it('names every bad variable', async () => {
    const stack = await TestStack.create({ API_PORT: 'eighty', ASR_THREADS: '0', REDIS_URL: 'localhost:6379' });
    try {
      await expect(stack.startApi()).rejects.toThrow(/Invalid configuration/);
      const log = stack.processes[0].log;
      expect(log).toMatch(/API_PORT="eighty"/);
      expect(log).toMatch(/ASR_THREADS=0/);
      expect(log).toMatch(/REDIS_URL="localhost:6379"/);
      expect(await stack.processes[0].exitCode()).toBe(1);
    } finally {
      await stack.destroy();
    }
  });
});
