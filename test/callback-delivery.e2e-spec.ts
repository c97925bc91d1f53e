import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload } from './support/api-client';
import { audioPath } from './support/env';
import { FixtureServer } from './support/fixture-server';
import { type AppProcess, TestStack } from './support/stack';
import { waitFor } from './support/wait';

const SECRET = 'test-callback-secret';
/** Far longer than any wait below: a retry that arrives was not sent by the backoff. */
const CALLBACK_BACKOFF_MS = 60_000;

/** Verifies a callback as a receiver would, with its own HMAC code (not Hark's). */
function verifySignature(headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = String(headers['x-hark-timestamp']);
  const expected = Buffer.from(`v1=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(String(headers['x-hark-signature']));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Callbacks are delivered at least once, and every attempt is on the task: a delivery whose job
 * Redis lost is sent by the reconciler, an attempt cut short by a dead processor is recorded and
 * retried, and every send of one outcome carries one `X-Hark-Delivery-Id`, by which the receiver
 * drops duplicates.
 */
describe('callback delivery: at least once, with a stable delivery id', () => {
  let stack: TestStack;
  let processor: AppProcess;
  const receiver = new FixtureServer();
  /** What the receiver did per delivery id: processed once, then acknowledged duplicates. */
  const processed = new Map<string, { body: unknown; duplicates: number }>();
  /** Requests the receiver holds open without answering. */
  const held: ServerResponse[] = [];

  /** The receiver's de-duplication: a delivery id it has processed is acknowledged and dropped. */
  function duplicate(headers: IncomingHttpHeaders): boolean {
    const seen = processed.get(String(headers['x-hark-delivery-id']));
    if (seen) seen.duplicates++;
    return Boolean(seen);
  }

  beforeAll(async () => {
    await receiver
      // Processes a delivery the first time but fails to acknowledge it (500), as a receiver that
      // crashed after committing would; the same delivery again is a duplicate, acknowledged with 200.
      .route('/hooks/dedup', (req, body, res) => {
        if (!verifySignature(req.headers, body)) return res.writeHead(401).end();
        if (duplicate(req.headers)) return res.writeHead(200).end();
        processed.set(String(req.headers['x-hark-delivery-id']), { body: JSON.parse(body), duplicates: 0 });
        res.writeHead(500).end();
      })
      // Holds the first request of each delivery open without answering; acknowledges the next.
      .route('/hooks/slow', (req, body, res) => {
        if (!verifySignature(req.headers, body)) return res.writeHead(401).end();
        if (duplicate(req.headers)) return res.writeHead(200).end();
        processed.set(String(req.headers['x-hark-delivery-id']), { body: JSON.parse(body), duplicates: 0 });
        held.push(res);
      })
      .start();
    stack = await TestStack.create({
      ALLOWED_URL_HOSTS: '127.0.0.1',
      CALLBACK_SECRET: SECRET,
      CALLBACK_BACKOFF_MS: String(CALLBACK_BACKOFF_MS),
      RECONCILE_INTERVAL_MS: '1000',
      // A killed processor's delivery job is taken back within seconds.
      JOB_LOCK_MS: '3000',
      JOB_STALLED_INTERVAL_MS: '1000',
    });
    await stack.startApi();
    processor = await stack.startProcessor();
  });
  afterAll(async () => {
    for (const response of held) response.destroy();
    await stack?.destroy();
    await receiver.stop();
  });

  const getTask = async (id: string) => (await getJson(stack.baseUrl, `/api/v1/tasks/${id}`)).body;
  const requestsFor = (id: string) => receiver.requests.filter((request) => JSON.parse(request.body).id === id);
  const callbackDelivered = (id: string, timeoutMs: number) =>
    waitFor(() => getTask(id), {
      until: (task) => task.callback_status === 'delivered',
      what: `the callback of task ${id} to be delivered`,
      timeoutMs,
      intervalMs: 100,
    });

  let flushedTask: { id: string; deliveryId: string };

  it('Redis flushed while a callback waits for its retry: the reconciler sends it again, and the receiver drops the duplicate', async () => {
    const { status, body: created } = await upload(stack.baseUrl, audioPath('jfk.wav'), {
      callback_url: `${receiver.baseUrl}/hooks/dedup`,
    });
    expect(status).toBe(201);
    // The first attempt was answered 500: its retry waits CALLBACK_BACKOFF_MS in a delayed job.
    await waitFor(() => stack.jobStates('callbacks', created.id), {
      until: (states) => states.length === 1 && states[0] === 'delayed',
      what: `the callback of task ${created.id} to wait for its retry`,
      timeoutMs: 60_000,
    });
    const waiting = await getTask(created.id);
    expect(waiting.status).toBe('completed');
    expect(waiting.callback_status).toBe('pending');
    const deliveryId: string = waiting.callback_delivery_id;
    expect(deliveryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(waiting.callback_attempts).toEqual([
      {
        at: expect.any(String),
        delivery_id: deliveryId,
        status_code: 500,
        error: null,
        duration_ms: expect.any(Number),
      },
    ]);

    expect(await stack.flushRedis()).toBeGreaterThan(0);
    expect(await stack.jobStates('callbacks', created.id)).toEqual([]);

    // Well before the backoff would have sent it (were the job still there).
    const task = await callbackDelivered(created.id, CALLBACK_BACKOFF_MS / 2);
    expect(processor.log).toMatch(
      new RegExp(`Callback of task ${created.id} \\(delivery ${deliveryId}\\) is pending but had no job in Redis`),
    );
    expect(task.callback_delivery_id).toBe(deliveryId);
    expect(task.callback_attempts.map((attempt: any) => [attempt.delivery_id, attempt.status_code])).toEqual([
      [deliveryId, 500],
      [deliveryId, 200],
    ]);
    const requests = requestsFor(created.id);
    expect(requests.map((request) => request.headers['x-hark-delivery-id'])).toEqual([deliveryId, deliveryId]);
    expect(requests[1].body).toBe(requests[0].body);
    // Processed once; the second send was recognised by its delivery id and dropped.
    expect(processed.get(deliveryId)).toEqual({ body: JSON.parse(requests[0].body), duplicates: 1 });
    flushedTask = { id: created.id, deliveryId };
  });

  it('redeliver sends the callback again with the same delivery id', async () => {
    const { id, deliveryId } = flushedTask;
    const response = await fetch(`${stack.baseUrl}/api/v1/tasks/${id}/callback/redeliver`, { method: 'POST' });
    expect(response.status).toBe(202);
    const accepted = await response.json();
    expect(accepted).toMatchObject({ callback_status: 'pending', callback_delivery_id: deliveryId });
    await waitFor(() => requestsFor(id), {
      until: (requests) => requests.length === 3,
      what: `a third callback request for task ${id}`,
      timeoutMs: 15_000,
    });
    const task = await callbackDelivered(id, 15_000);
    expect(task.callback_delivery_id).toBe(deliveryId);
    expect(task.callback_attempts.map((attempt: any) => [attempt.delivery_id, attempt.status_code])).toEqual([
      [deliveryId, 500],
      [deliveryId, 200],
      [deliveryId, 200],
    ]);
    expect(requestsFor(id).map((request) => request.headers['x-hark-delivery-id'])).toEqual([
      deliveryId,
      deliveryId,
      deliveryId,
    ]);
    expect(processed.get(deliveryId)!.duplicates).toBe(2);
  });

  it('a processor SIGKILLed mid-delivery: the started attempt stays on record, and the delivery is retried with the same id', async () => {
    const { body: created } = await upload(stack.baseUrl, audioPath('jfk.wav'), {
      callback_url: `${receiver.baseUrl}/hooks/slow`,
    });
    await waitFor(() => requestsFor(created.id), {
      until: (requests) => requests.length === 1,
      what: `the callback request of task ${created.id} to reach the receiver`,
      timeoutMs: 60_000,
    });
    // The receiver holds the request: the attempt was recorded before it was sent, without a result yet.
    const sending = await getTask(created.id);
    const deliveryId: string = sending.callback_delivery_id;
    expect(requestsFor(created.id)[0].headers['x-hark-delivery-id']).toBe(deliveryId);
    expect(sending.callback_status).toBe('pending');
    expect(sending.callback_attempts).toEqual([
      { at: expect.any(String), delivery_id: deliveryId, status_code: null, error: null, duration_ms: null },
    ]);
    // While it is being sent, a redelivery is refused and says why.
    const refused = await fetch(`${stack.baseUrl}/api/v1/tasks/${created.id}/callback/redeliver`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { message: string }).message).toMatch(/being sent right now.*redeliver again/);

    await processor.stop('SIGKILL');
    processor = await stack.startProcessor();

    const task = await callbackDelivered(created.id, 30_000);
    expect(task.callback_delivery_id).toBe(deliveryId);
    expect(task.callback_attempts).toEqual([
      // The attempt the dead processor started: no result, ever.
      {
        at: sending.callback_attempts[0].at,
        delivery_id: deliveryId,
        status_code: null,
        error: null,
        duration_ms: null,
      },
      {
        at: expect.any(String),
        delivery_id: deliveryId,
        status_code: 200,
        error: null,
        duration_ms: expect.any(Number),
      },
    ]);
    const requests = requestsFor(created.id);
    expect(requests.map((request) => request.headers['x-hark-delivery-id'])).toEqual([deliveryId, deliveryId]);
    expect(processed.get(deliveryId)!.duplicates).toBe(1);
  });
});
