import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { OwnRedis } from './support/own-redis';
import { type AppProcess, TestStack } from './support/stack';

/** Every non-empty line of a process's stdout and stderr, each parsed as JSON (throws naming a line that is not). */
function jsonLines(app: AppProcess): Record<string, unknown>[] {
  return app.log
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
        return parsed as Record<string, unknown>;
      } catch {
        throw new Error(`${app.name} printed a line that is not a JSON object:\n${line}`);
      }
    });
}

/** Lines of the connection log (context `Redis`) matching `pattern`. */
const redisLines = (app: AppProcess, pattern: RegExp) =>
  jsonLines(app).filter((line) => line.context === 'Redis' && pattern.test(String(line.message))).length;

describe('LOG_FORMAT=json: every line is one JSON object, Redis outages included, secrets redacted', () => {
  let redis: OwnRedis;
  let stack: TestStack;
  let api: AppProcess;
  let processor: AppProcess;
  /** Only ever sent in query strings: it must not reach any log. */
  const secret = `abc-${randomBytes(6).toString('base64url')}`;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    stack = await TestStack.create({ REDIS_URL: redis.url, LOG_FORMAT: 'json' });
    api = await stack.startApi();
    processor = await stack.startProcessor();
  });
  afterAll(async () => {
    await stack?.destroy();
    await redis?.stop();
  });

  it('redacts secrets in the query string of the request log line', async () => {
    // token and api_key are not fields of the list: refused (400, naming them but not their values), and logged.
    const { status, body } = await getJson(stack.baseUrl, `/api/v1/tasks?token=${secret}&limit=5&api_key=${secret}`);
    expect(status).toBe(400);
    expect(body.details.map((detail: { field: string }) => detail.field)).toEqual(['token', 'api_key']);
    expect(JSON.stringify(body)).not.toContain(secret);
    await api.waitForLog(/"status":400/);
    const line = jsonLines(api).find((entry) => JSON.stringify(entry).includes('limit=5'));
    expect(line).toMatchObject({
      message: { path: '/api/v1/tasks?token=[REDACTED]&limit=5&api_key=[REDACTED]' },
    });
    expect(api.log).not.toContain(secret);
  });

  it('logs a Redis outage once and its recovery once per app, as JSON, while requests go on', async () => {
    const done = await upload(stack.baseUrl, audioPath('zh-funasr-0.wav'));
    expect((await waitForTask(stack.baseUrl, done.body.id)).task.status).toBe('completed');

    await redis.stop();
    await api.waitForLog(/Redis is unreachable \(/);
    await processor.waitForLog(/Redis is unreachable \(/);
    // Requests that need Redis, and some that do not, during the outage (their answers are other tests' concern).
    await upload(stack.baseUrl, audioPath('zh-funasr-0.wav'));
    await fetch(`${stack.baseUrl}/api/v1/tasks/${done.body.id}/retry`, { method: 'POST' });
    await fetch(`${stack.baseUrl}/api/v1/tasks?token=${secret}`);
    await fetch(`${stack.baseUrl}/health/ready`);

    await redis.start();
    await api.waitForLog(/Redis is reachable again/);
    await processor.waitForLog(/Redis is reachable again/);

    for (const app of [api, processor]) {
      jsonLines(app); // throws naming the first line that is not JSON
      expect(redisLines(app, /^Redis is unreachable \(/), app.name).toBe(1);
      expect(redisLines(app, /^Redis is reachable again/), app.name).toBe(1);
      expect(app.log).not.toMatch(/\[ioredis\]|Unhandled error event/);
    }
    expect(api.log).not.toContain(secret);
  });
});
