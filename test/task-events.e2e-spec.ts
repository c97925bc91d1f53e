import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';

interface Frame {
  id?: string;
  event?: string;
  data?: any;
  comment?: string;
}

/**
 * Reads a server-sent events stream with a raw HTTP client and a hand-written parser (the WHATWG
 * event-stream format: frames end with a blank line; `id:`, `event:`, `data:` fields; `:` comments).
 * Resolves when the server ends the stream, or after `untilMs` (then it disconnects).
 */
function readEvents(
  url: string,
  headers: Record<string, string> = {},
  untilMs = 120_000,
): Promise<{ status: number; contentType?: string; frames: Frame[] }> {
  return new Promise((resolve, reject) => {
    const frames: Frame[] = [];
    let buffer = '';
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
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
    req.on('error', (error) => (frames.length ? undefined : reject(error)));
    req.end();
  });
}

describe('GET /api/v1/tasks/{id}/events: live events over SSE, through Redis, resumable', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create({ EVENTS_KEEPALIVE_MS: '300' });
    await stack.startApi();
  });
  afterAll(() => stack?.destroy());

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
