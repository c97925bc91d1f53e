import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, TestStack } from './support/stack';
import { waitFor } from './support/wait';

/** A Redis of this test's own, so it can be stopped and started again. */
class OwnRedis {
  private process?: ChildProcess;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const server = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.process = server;
    await waitFor(
      () => {
        if (server.exitCode !== null || server.signalCode !== null)
          throw new Error(`redis-server on port ${this.port} exited (${server.exitCode ?? server.signalCode})`);
        return this.ping();
      },
      { what: `redis-server on port ${this.port} to answer PING` },
    );
  }

  /** Whether the server answers PING with PONG. */
  private ping(): Promise<boolean> {
    return new Promise((done) => {
      const socket = connect(this.port, '127.0.0.1');
      let reply = '';
      const end = (ok: boolean) => {
        socket.destroy();
        done(ok);
      };
      socket.setTimeout(1000, () => end(false));
      socket.on('error', () => end(false));
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data) => {
        reply += data.toString();
        if (reply.includes('\r\n')) end(reply.startsWith('+PONG'));
      });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((done) => this.process?.once('exit', done));
    this.process?.kill('SIGKILL');
    await exited;
  }
}

const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

async function readiness(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: await response.json() };
}

describe('health probes', () => {
  let stack: TestStack;
  let redis: OwnRedis;
  let processor: AppProcess;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    stack = await TestStack.create({ REDIS_URL: `redis://127.0.0.1:${redis.port}`, API_KEYS: 'secret-key' });
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
    expect(Object.keys(worker.body.info).sort()).toEqual(['model', 'postgres', 'redis', 'worker']);
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
