import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { freePort } from './support/ports';
import { connectionsTo } from './support/proc';
import { type AppProcess, TestStack } from './support/stack';
import { waitFor } from './support/wait';

interface Frame {
  id?: string;
  event?: string;
  data?: any;
  comment?: string;
}

/**
 * Reads a server-sent events stream with a raw HTTP client and a hand-written parser (the WHATWG
 * event-stream format: frames end with a blank line; `id:`, `event:`, `data:` fields; `:` comments).
 * Resolves when the server ends the stream, or after `untilMs` or when `signal` aborts (then it
 * disconnects). `frames` collects the frames as they come.
 */
function readEvents(
  url: string,
  headers: Record<string, string> = {},
  untilMs = 120_000,
  signal?: AbortSignal,
  frames: Frame[] = [],
): Promise<{ status: number; contentType?: string; frames: Frame[] }> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, signal }, (response) => {
      const timer = setTimeout(() => req.destroy(), untilMs);
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: Frame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else if (line.startsWith('id: ')) frame.id = line.slice(4);
            else if (line.startsWith('event: ')) frame.event = line.slice(7);
            else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
          }
          frames.push(frame);
        }
      });
      const done = () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode!, contentType: response.headers['content-type'], frames });
      };
      response.on('end', done);
      response.on('close', done);
    });
    req.on('error', (error) => (frames.length || signal?.aborted ? undefined : reject(error)));
    req.end();
  });
}

/** An events stream held open: its frames so far, `ended` once the server ends it, `close()` to go away. */
function openEvents(url: string): { frames: Frame[]; ended: Promise<void>; close: () => void } {
  const frames: Frame[] = [];
  const controller = new AbortController();
  const ended = readEvents(url, {}, 120_000, controller.signal, frames).then(() => undefined);
  return { frames, ended, close: () => controller.abort() };
}

/** A stream=true OpenAI transcription request of jfk.wav: its status and body (read to the end). */
async function openAiStream(baseUrl: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const form = new FormData();
  form.set('file', new Blob([await readFile(audioPath('jfk.wav'))]), 'jfk.wav');
  form.set('model', 'whisper-1');
  form.set('stream', 'true');
  const response = await fetch(`${baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: form });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

describe('GET /api/v1/tasks/{id}/events: live events over SSE, through Redis, resumable', () => {
  let stack: TestStack;
  let api: AppProcess;

  beforeAll(async () => {
    stack = await TestStack.create({ EVENTS_KEEPALIVE_MS: '300', EVENT_STREAMS_PER_KEY: '30' });
    api = await stack.startApi();
  });
  afterAll(() => stack?.destroy());

  it('30 streams share one Redis connection and each gets its events; the 31st (or a stream=true transcription) is 429 until one closes', async () => {
    const redisPort = Number(new URL(stack.env.REDIS_URL).port || 6379);
    const tasks = await Promise.all(
      [1, 2, 3].map(async () => (await upload(stack.baseUrl, audioPath('jfk.wav'))).body.id as string),
    );
    const url = (id: string) => `${stack.baseUrl}/api/v1/tasks/${id}/events`;
    const opened = (streams: { frames: Frame[] }[]) =>
      waitFor(() => streams.every((stream) => stream.frames.length > 0), { what: 'every stream to send its snapshot' });

    // No processor: the tasks stay queued and the streams open.
    // The api's Redis connections with two streams open (the reader and the connection that interrupts it)…
    const streams = [openEvents(url(tasks[0])), openEvents(url(tasks[1]))];
    await opened(streams);
    await new Promise((done) => setTimeout(done, 300));
    const before = connectionsTo(api.pid, redisPort);
    // … are all it has with thirty.
    streams.push(...Array.from({ length: 28 }, (_, i) => openEvents(url(tasks[i % 3]))));
    await opened(streams);
    await new Promise((done) => setTimeout(done, 700)); // keep-alives flow: every stream is reading
    expect(connectionsTo(api.pid, redisPort)).toBe(before);
    for (const stream of streams) expect(stream.frames.some((f) => f.comment === 'keep-alive')).toBe(true);

    // At EVENT_STREAMS_PER_KEY (no API keys: every client is one key), both kinds of stream are refused.
    const refused = await fetch(url(tasks[0]));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await refused.json()) as { code: string; message: string };
    expect(body.code).toBe('too_many_streams');
    expect(body.message).toMatch(/EVENT_STREAMS_PER_KEY=30/);
    const [{ count: tasksBefore }] = await stack.sql<{ count: string }>('SELECT count(*) FROM tasks');
    const openai = await openAiStream(stack.baseUrl);
    expect(openai.status).toBe(429);
    expect(openai.retryAfter).toMatch(/^\d+$/);
    expect(openai.body.error).toMatchObject({ code: 'too_many_streams' });
    expect((await stack.sql<{ count: string }>('SELECT count(*) FROM tasks'))[0].count).toBe(tasksBefore);

    // A closed stream frees its slot.
    streams.pop()!.close();
    const again = await waitFor(
      async () => {
        const stream = openEvents(url(tasks[2]));
        await new Promise((done) => setTimeout(done, 300));
        if (stream.frames.length) return stream;
        stream.close();
        return undefined;
      },
      { what: 'a slot to be free again' },
    );
    streams.push(again);

    // Each stream gets its task's events, from the one shared reader: cancelled, then the end.
    for (const id of tasks) expect((await postJson(stack.baseUrl, `/api/v1/tasks/${id}/cancel`, {})).status).toBe(200);
    await Promise.all(streams.map((stream) => stream.ended));
    for (const stream of streams)
      expect(stream.frames.filter((f) => f.event).at(-1)).toMatchObject({ data: { status: 'cancelled' } });
  });

  it('EVENT_STREAMS_MAX caps the api node whatever the key: 429 naming it', async () => {
    const port = await freePort();
    await stack.startApi({ API_PORT: String(port), EVENT_STREAMS_MAX: '1' });
    const { body: task } = await upload(stack.baseUrl, audioPath('jfk.wav'));
    const url = `http://127.0.0.1:${port}/api/v1/tasks/${task.id}/events`;
    const held = openEvents(url);
    await waitFor(() => held.frames.length > 0, { what: 'the first stream to open' });
    const refused = await fetch(url);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toMatch(/EVENT_STREAMS_MAX=1/);
    held.close();
  });

  it('a Last-Event-ID that is not an event id is 400 saying what to send', async () => {
    const { body: task } = await upload(stack.baseUrl, audioPath('jfk.wav'));
    const response = await fetch(`${stack.baseUrl}/api/v1/tasks/${task.id}/events`, {
      headers: { 'last-event-id': 'not-an-id' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /Last-Event-ID must be the id of an event/,
    );
  });

  it('status, keep-alives while queued, progress, every segment, then completed; a reconnect with Last-Event-ID continues', async () => {
    const { body: created } = await upload(stack.baseUrl, audioPath('long-en-concat-16k.wav'));
    const url = `${stack.baseUrl}/api/v1/tasks/${created.id}/events`;

    // Queued, no processor yet: the snapshot, then keep-alive comments.
    const waiting = await readEvents(url, {}, 1200);
    expect(waiting.status).toBe(200);
    expect(waiting.contentType).toMatch(/^text\/event-stream/);
    expect(waiting.frames[0]).toMatchObject({ event: 'status', data: { type: 'status', status: 'queued' } });
    expect(waiting.frames.filter((f) => f.comment === 'keep-alive').length).toBeGreaterThanOrEqual(2);

    const live = readEvents(url);
    await stack.startProcessor();
    const { frames } = await live;
    const { task } = await waitForTask(stack.baseUrl, created.id);
    expect(task.status, task.error).toBe('completed');

    const events = frames.filter((f) => f.event);
    expect(events.at(-1)).toMatchObject({ event: 'status', data: { status: 'completed', progress: 100 } });
    expect(events.map((f) => f.data.status).filter(Boolean)).toEqual(['queued', 'processing', 'completed']);
    const progress = events.filter((f) => f.event === 'progress').map((f) => f.data.progress);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const segments = events.filter((f) => f.event === 'segment').map((f) => f.data.segment);
    expect(segments).toEqual(task.result.segments);
    // Every stored event has an id, in order.
    const ids = events.slice(1).map((f) => f.id!);
    expect(ids.every(Boolean)).toBe(true);
    expect(ids).toEqual(
      [...ids].sort((a, b) =>
        a.split('-')[0] === b.split('-')[0] ? +a.split('-')[1] - +b.split('-')[1] : +a.split('-')[0] - +b.split('-')[0],
      ),
    );

    // Reconnect after the third segment: exactly the events after it, no snapshot, then the end.
    const at = events.findIndex((f) => f.event === 'segment' && f.data.segment.id === 2);
    const resumed = await readEvents(url, { 'last-event-id': events[at].id! });
    expect(resumed.frames.filter((f) => f.event)).toEqual(events.slice(at + 1));
  });

  it('an unknown task is 404 in the error shape', async () => {
    const response = await fetch(`${stack.baseUrl}/api/v1/tasks/00000000-0000-4000-8000-000000000000/events`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toMatch(/task/i);
  });
});
