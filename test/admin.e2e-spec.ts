import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForTask } from './support/api-client';
import { launchChromium } from './support/browser';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';

const ADMIN = { user: 'ops', password: 'correct horse battery staple' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Bull Board admin UI', () => {
  let stack: TestStack;
  let taskId: string;

  beforeAll(async () => {
    stack = await TestStack.running({ ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password });
    taskId = (await waitForTask(stack.baseUrl, (await upload(stack.baseUrl, audioPath('jfk.wav'))).body.id)).task.id;
  });
  afterAll(() => stack?.destroy());

  it('is protected by HTTP basic auth (it is Express middleware, outside Nest guards)', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const anonymous = await fetch(`${stack.baseUrl}${path}`);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="Hark admin"');
      expect(
        (await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: basic(ADMIN.user, 'wrong') } })).status,
      ).toBe(401);
      expect(
        (await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: basic(ADMIN.user, ADMIN.password) } }))
          .status,
      ).toBe(200);
    }
  });

  it("shows the default model's transcription queue with the completed job in a real browser (screenshot saved)", async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({
        httpCredentials: { username: ADMIN.user, password: ADMIN.password },
        viewport: { width: 1280, height: 800 },
      });
      const page = await context.newPage();
      // One transcription queue per model: the task ran on the default model (ASR_MODEL).
      await page.goto(`${stack.baseUrl}/admin/queues/queue/transcription-${stack.env.ASR_MODEL}?status=completed`);
      await page.getByText(taskId).first().waitFor({ timeout: 20_000 });
      expect(await page.getByText('transcription').count()).toBeGreaterThan(0);
      expect(await page.getByText('callbacks').count()).toBeGreaterThan(0);
      const dir = resolve(__dirname, '../test-results');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: resolve(dir, 'bull-board.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

describe('Bull Board without admin credentials', () => {
  it('is off, with a log line saying how to enable it', async () => {
    const stack = await TestStack.create();
    try {
      const api = await stack.startApi();
      expect(api.log).toContain('Bull Board admin UI is off: set ADMIN_USER and ADMIN_PASSWORD');
      expect((await fetch(`${stack.baseUrl}/admin/queues`)).status).toBe(404);
    } finally {
      await stack.destroy();
    }
  });
});
