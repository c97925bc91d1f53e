import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnRedis } from './support/own-redis';
import { type AppProcess, TestStack } from './support/stack';
import { waitFor } from './support/wait';

async function readiness(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: await response.json() };
}

describe('health probes', () => {
  let stack: TestStack;
  let redis: OwnRedis;
  let processor: AppProcess;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    stack = await TestStack.create({ REDIS_URL: redis.url, API_KEYS: 'secret-key' });
    await stack.startApi();
    processor = await stack.startProcessor();
  });
  afterAll(async () => {
    await stack?.destroy();
    await redis?.stop();
  });

  it('live and ready answer 200 with each component, without an API key', async () => {
    expect((await fetch(`${stack.baseUrl}/health/live`)).status).toBe(200);
    const api = await readiness(stack.baseUrl);
    expect(api.status).toBe(200);
    expect(api.body.info).toMatchObject({
      postgres: { status: 'up' },
      redis: { status: 'up' },
      storage: { status: 'up' },
    });
    expect((await fetch(`${processor.healthUrl}/health/live`)).status).toBe(200);
    const worker = await readiness(processor.healthUrl);
    expect(worker.status).toBe(200);
    expect(Object.keys(worker.body.info).sort()).toEqual(['device', 'model', 'postgres', 'redis', 'worker']);
    expect(worker.body.info.device).toEqual({ status: 'up', device: 'cpu', provider: 'cpu' });
    expect(worker.body.info.model.name).toContain(stack.env.ASR_MODEL);
  });

  it('readiness fails with 503 naming Redis while it is down, and recovers by itself', async () => {
    await redis.stop();
    await waitFor(() => readiness(processor.healthUrl), {
      until: (ready) => ready.status === 503,
      what: 'processor readiness 503 with Redis down',
      intervalMs: 100,
    });
    const down = await readiness(processor.healthUrl);
    expect(down.body.error.redis.status).toBe('down');
    expect(down.body.info.postgres.status).toBe('up');
    const api = await readiness(stack.baseUrl);
    expect(api.status).toBe(503);
    expect(api.body.error.redis.status).toBe('down');
    expect((await fetch(`${stack.baseUrl}/health/live`)).status).toBe(200); // alive all along

    await redis.start();
    await waitFor(
      async () => ({ processor: await readiness(processor.healthUrl), api: await readiness(stack.baseUrl) }),
      {
        until: (ready) => ready.processor.status === 200 && ready.api.status === 200,
        what: 'processor and api readiness 200 once Redis is back',
        intervalMs: 100,
      },
    );
  });

  it('a full connection pool is "busy" (503, Retry-After), not a Postgres that does not answer', async () => {
    const api = stack.processes.find((app) => app.name === 'api')!;
    const get = (path: string) => fetch(`${stack.baseUrl}${path}`, { headers: { authorization: 'Bearer secret-key' } });
    // Every query on tasks waits for this lock, so each request holds one of the api's 10 pooled connections.
    const locker = new Client({ connectionString: stack.env.DATABASE_URL });
    await locker.connect();
    let held: Promise<Response>[] = [];
    try {
      await locker.query('BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE');
      held = Array.from({ length: 10 }, () => get('/api/v1/tasks'));
      await waitFor(
        async () => (await locker.query('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted')).rows[0].n,
        { until: (waiting) => waiting >= 10, what: '10 api queries waiting for the lock', intervalMs: 50 },
      );
      const refused = await get('/api/v1/tasks');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      const { message } = (await refused.json()) as { message: string };
      expect(message).toMatch(/^The database is busy: every connection .* is in use/);
      expect(message).not.toMatch(/unreachable/);
      // Postgres itself answers all along: readiness stays up, and no outage is logged.
      expect((await readiness(stack.baseUrl)).body.info?.postgres).toEqual({ status: 'up' });
      expect(api.log).not.toMatch(/Postgres does not answer/);
      await locker.query('COMMIT');
      expect((await Promise.all(held)).map((response) => response.status)).toEqual(Array(10).fill(200));
    } finally {
      await locker.end();
      await Promise.allSettled(held);
    }
  });
});
