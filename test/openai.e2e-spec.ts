import { createReadStream } from 'node:fs';
import { parse } from '@plussub/srt-vtt-parser';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from './support/api-client';
import { audioPath, testModel } from './support/env';
import { TestStack } from './support/stack';

describe('OpenAI-compatible audio API, driven by the official openai client', () => {
  let stack: TestStack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await TestStack.running();
    client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'not-needed-without-API_KEYS', maxRetries: 0 });
  });
  afterAll(() => stack?.destroy());

  const jfk = () => createReadStream(audioPath('jfk.wav'));

  it('json: {text}', async () => {
    const result = await client.audio.transcriptions.create({ file: jfk(), model: 'whisper-1' });
    expect(Object.keys(result)).toEqual(['text']);
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('verbose_json: task, full language name, duration and Whisper-shaped segments', async () => {
    const result: any = await client.audio.transcriptions.create({
      file: jfk(),
      model: 'whisper-1',
      response_format: 'verbose_json',
      language: 'en',
      timestamp_granularities: ['segment'],
    });
    expect(result).toMatchObject({ task: 'transcribe', language: 'english' });
    expect(result.duration).toBeCloseTo(11, 1);
    expect(result.segments).toHaveLength(3);
    const [first] = result.segments;
    expect(Object.keys(first).sort()).toEqual([
      'avg_logprob',
      'compression_ratio',
      'end',
      'id',
      'no_speech_prob',
      'seek',
      'start',
      'temperature',
      'text',
      'tokens',
    ]);
    expect(first.seek).toBe(Math.round(first.start * 100));
    expect(first.compression_ratio).toBeGreaterThan(0);
    expect(result.text).toBe(result.segments.map((s: any) => s.text).join(' '));
  });

  it('text, srt and vtt come back as plain text', async () => {
    const text = await client.audio.transcriptions.create({ file: jfk(), model: 'whisper-1', response_format: 'text' });
    expect(typeof text).toBe('string');
    for (const format of ['srt', 'vtt'] as const) {
      const subtitles = await client.audio.transcriptions.create({
        file: jfk(),
        model: 'whisper-1',
        response_format: format,
      });
      const { entries } = parse(subtitles);
      expect(entries).toHaveLength(3);
    }
  });

  it('translations: task translate; the installed model name works as the model', async () => {
    const result: any = await client.audio.translations.create({
      file: createReadStream(audioPath('zh-funasr-0.wav')),
      model: testModel(),
      response_format: 'verbose_json',
    });
    expect(result.task).toBe('translate');
  });

  it('GET /v1/models lists whisper-1 and the installed model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['whisper-1', testModel()]);
  });

  it('errors in OpenAI shape: unknown model 404, word timestamps without a model for them 422, bad format 400, missing file 400', async () => {
    const error = (await client.audio.transcriptions
      .create({ file: jfk(), model: 'whisper-9' })
      .catch((e) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
      message: expect.stringMatching(/whisper-9/),
    });

    const word = (await client.audio.transcriptions
      .create({ file: jfk(), model: 'whisper-1', response_format: 'verbose_json', timestamp_granularities: ['word'] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(word.status).toBe(422);
    expect(word.error).toMatchObject({
      param: 'timestamp_granularities[]',
      message: expect.stringMatching(/no cross-attention output.*export-onnx-with-attention/),
    });

    const format = await upload(
      stack.baseUrl,
      audioPath('jfk.wav'),
      { model: 'whisper-1', response_format: 'docx' },
      '/v1/audio/transcriptions',
    );
    expect(format.status).toBe(400);
    expect(format.body).toEqual({
      error: {
        message: expect.stringMatching(/response_format must be one of/),
        type: 'invalid_request_error',
        param: 'response_format',
        code: null,
      },
    });

    const missing = await upload(stack.baseUrl, null, { model: 'whisper-1' }, '/v1/audio/transcriptions');
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('file');
  });

  it('plain multipart (curl-style) works and goes through the task queue at high priority', async () => {
    const { status, body } = await upload(
      stack.baseUrl,
      audioPath('jfk.wav'),
      { model: 'whisper-1', response_format: 'json' },
      '/v1/audio/transcriptions',
    );
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['text']);
    const [row] = await stack.sql<{ priority: string; status: string }>(
      'SELECT priority, status FROM tasks ORDER BY created_at DESC LIMIT 1',
    );
    expect(row).toEqual({ priority: 'high', status: 'completed' });
  });
});

describe('OpenAI wait limit', () => {
  it('answers 504 naming the task id when the transcript is not ready in time', async () => {
    const stack = await TestStack.create({ OPENAI_WAIT_MS: '1500' });
    try {
      await stack.startApi(); // no processor: the task waits in the queue
      const { status, body } = await upload(
        stack.baseUrl,
        audioPath('jfk.wav'),
        { model: 'whisper-1' },
        '/v1/audio/transcriptions',
      );
      expect(status).toBe(504);
      const [row] = await stack.sql<{ id: string }>('SELECT id FROM tasks');
      expect(body.error).toMatchObject({
        type: 'timeout',
        message: expect.stringContaining(`GET /api/v1/tasks/${row.id}`),
      });
    } finally {
      await stack.destroy();
    }
  });
});
