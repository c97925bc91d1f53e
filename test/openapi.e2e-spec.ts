import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestStack } from './support/stack';

/** The committed OpenAPI document; `npm run openapi` rewrites it from the running api. */
const COMMITTED = resolve(__dirname, '../apps/api/openapi.json');

describe('OpenAPI document', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create();
    await stack.startApi();
  });
  afterAll(() => stack?.destroy());

  it('the committed apps/api/openapi.json matches the code (run `npm run openapi` after changing the API)', async () => {
    const served = await (await fetch(`${stack.baseUrl}/docs-json`)).json();
    const text = `${JSON.stringify(served, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(COMMITTED, text);
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(served);
  });

  it('documents every endpoint with a summary and every error status with a body', async () => {
    const document: any = await (await fetch(`${stack.baseUrl}/docs-json`)).json();
    for (const [path, methods] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(methods)) {
        expect(operation.summary, `${method} ${path}`).toBeTruthy();
        for (const [status, response] of Object.entries<any>(operation.responses)) {
          if (Number(status) >= 400) expect(response.content, `${method} ${path} ${status}`).toBeDefined();
        }
      }
    }
    const html = await fetch(`${stack.baseUrl}/docs`);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('swagger-ui');
  });
});
