import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderWebApiTypes, WEB_API_SCHEMA } from './web-api-types';

describe('apps/web/src/api/schema.ts', () => {
  it('matches apps/api/openapi.json (run `npm run api:types` after `npm run openapi`)', async () => {
    expect(readFileSync(WEB_API_SCHEMA, 'utf8')).toBe(await renderWebApiTypes());
  });
});
