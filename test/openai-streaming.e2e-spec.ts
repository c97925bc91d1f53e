import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson } from './support/api-client';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';
import { waitFor } from './support/wait';

/** `stream=true` on /v1/audio/transcriptions, read by the official openai client's streaming API. */
describe('OpenAI streaming transcription (stream=true)', () => {
  let stack: TestStack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await TestStack.running();
    client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'not-needed-without-API_KEYS', maxRetries: 0 });
  });
  afterAll(() => stack?.destroy());

  /** The newest task of the stack (the one the streaming request created). */
  const newestTask = async () => (await getJson(stack.baseUrl, '/api/v1/tasks?limit=1')).body.items[0];

  it('sends a transcript.text.delta per segment while the task runs, then transcript.text.done with the text', async () => {
    const stream = await client.audio.transcriptions.create({
      file: createReadStream(audioPath('long-en-concat-16k.wav')),
      model: 'whisper-1',
      stream: true,
    });
    const events: { type: string; at: number; delta?: string; text?: string }[] = [];
    for await (const event of stream) events.push({ ...event, at: Date.now() });

    const done = events.at(-1)!;
    expect(done.type).toBe('transcript.text.done');
    const deltas = events.slice(0, -1);
    expect(new Set(deltas.map((event) => event.type))).toEqual(new Set(['transcript.text.delta']));
    // The deltas joined are the text, and the text is the task's.
    expect(deltas.map((event) => event.delta).join('')).toBe(done.text);
    const task = (await getJson(stack.baseUrl, `/api/v1/tasks/${(await newestTask()).id}`)).body;
    expect(task.status).toBe('completed');
    expect(done.text).toBe(task.result.text);
    expect(deltas).toHaveLength(task.result.segments.length);
    expect(deltas.length).toBeGreaterThan(5);
    // Live, not replayed at the end: the first delta came before the task was completed.
    expect(deltas[0].at).toBeLessThan(Date.parse(task.completed_at));
  });

  it('a task cancelled while it streams ends the stream with an OpenAI error, which the client throws', async () => {
    const stream = await client.audio.transcriptions.create({
      file: createReadStream(audioPath('long-en-concat-16k.wav')),
      model: 'whisper-1',
      stream: true,
    });
    const received: string[] = [];
    const reading = (async () => {
      for await (const event of stream) received.push(event.type);
    })().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    const task = await waitFor(
      async () => {
        const newest = await newestTask();
        return newest?.status === 'processing' || newest?.status === 'queued' ? newest : undefined;
      },
      { what: 'the streamed task to be created' },
    );
    expect((await postJson(stack.baseUrl, `/api/v1/tasks/${task.id}/cancel`, {})).status).toBe(200);
    const error = await reading;
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain(`Transcription cancelled (task ${task.id})`);
    expect(received).not.toContain('transcript.text.done');
  });

  it('refuses stream=true with a format that cannot stream (400 naming the formats that can)', async () => {
    const error = await client.audio.transcriptions
      .create({
        file: createReadStream(audioPath('jfk.wav')),
        model: 'whisper-1',
        stream: true,
        response_format: 'srt',
      } as never)
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toMatch(/json, text or diarized_json/);
    expect((error as APIError & { param: string }).param).toBe('stream');
  });

  it('the wire format is text/event-stream of data-only lines, as OpenAI sends', async () => {
    const form = new FormData();
    form.set('file', new Blob([await readFile(audioPath('jfk.wav'))]), 'jfk.wav');
    form.set('model', 'whisper-1');
    form.set('stream', 'true');
    form.set('response_format', 'text');
    const response = await fetch(`${stack.baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await response.text();
    const frames = body.split('\n\n').filter((frame) => frame && !frame.startsWith(':'));
    for (const frame of frames) expect(frame).toMatch(/^data: \{.*\}$/);
    expect(JSON.parse(frames.at(-1)!.slice(6))).toMatchObject({ type: 'transcript.text.done' });
  });
});
