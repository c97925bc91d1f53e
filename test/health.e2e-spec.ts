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
});
