import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';
import { openAsBlob } from 'node:fs';

describe('API keys, rate limit and queued-task cap', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create({
      API_KEYS: 'key-alpha, key-beta',
      RATE_LIMIT_PER_MINUTE: '6',
      MAX_QUEUED_TASKS_PER_KEY: '1',
    });
    const api = await stack.startApi(); // no processor: tasks stay queued
    expect(api.log).not.toContain('the API is open');
  });
  afterAll(() => stack?.destroy());

  const request = async (route: string, key?: string, init: RequestInit = {}) => {
    const response = await fetch(`${stack.baseUrl}${route}`, {
      ...init,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...init.headers },
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json().catch(() => null)) as any,
    };
  };
  const uploadAs = async (key: string) => {
    const form = new FormData();
    form.append('file', await openAsBlob(audioPath('jfk.wav')), 'jfk.wav');
    return request('/api/v1/tasks', key, { method: 'POST', body: form });
  };

  it('missing or wrong keys → 401, in the usual shape on /api and OpenAI shape on /v1', async () => {
    const missing = await request('/api/v1/tasks');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing API key: send it as "Authorization: Bearer <key>".',
    });
    const wrong = await request('/v1/models', 'key-gamma');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      error: {
        message: expect.stringMatching(/^Invalid API key: it is not one of this server's keys\. Send a valid key as/),
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    const client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'key-gamma', maxRetries: 0 });
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('a valid key works, for the openai client too; the docs need a key as well (DOCS_PUBLIC is false)', async () => {
    expect((await request('/api/v1/tasks', 'key-alpha')).status).toBe(200);
    const client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'key-beta', maxRetries: 0 });
    expect((await client.models.list()).data.length).toBeGreaterThan(0);
    expect((await fetch(`${stack.baseUrl}/docs-json`)).status).toBe(401);
    expect((await request('/docs-json', 'key-alpha')).status).toBe(200);
  });

  it('per-key cap on queued tasks → 429 with Retry-After; other keys are not affected', async () => {
    expect((await uploadAs('key-alpha')).status).toBe(201);
    const capped = await uploadAs('key-alpha');
    expect(capped.status).toBe(429);
    expect(capped.headers.get('retry-after')).toBe('30');
    expect(capped.body.message).toMatch(/already has 1 queued or processing tasks/);
    expect((await uploadAs('key-beta')).status).toBe(201);
    expect(await stack.storedUploads()).toHaveLength(2);
  });

  it('per-key request rate → 429 with Retry-After once the minute is used up', async () => {
    // key-beta made 2 requests above; 4 more are allowed this minute.
    for (let i = 0; i < 4; i++) expect((await request('/api/v1/tasks', 'key-beta')).status).toBe(200);
    const limited = await request('/api/v1/tasks', 'key-beta');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.message).toMatch(/Rate limit of 6 requests per minute/);
    const openai = await request('/v1/models', 'key-beta');
    expect(openai.body.error).toMatchObject({ type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' });
  });
});

describe('without API_KEYS', () => {
  it('starts open, with a clear warning', async () => {
    const stack = await TestStack.create();
    try {
      const api = await stack.startApi();
      expect(api.log).toContain('No API_KEYS configured: the API is open to anyone who can reach it.');
      expect((await fetch(`${stack.baseUrl}/api/v1/tasks`)).status).toBe(200);
    } finally {
      await stack.destroy();
    }
  });
});
