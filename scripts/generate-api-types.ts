/** `npm run api:types`: rewrites apps/web/src/api/schema.ts from apps/api/openapi.json (see web-api-types.ts). */
import { writeFileSync } from 'node:fs';
import { renderWebApiTypes, WEB_API_SCHEMA } from './web-api-types';

renderWebApiTypes()
  .then((text) => writeFileSync(WEB_API_SCHEMA, text))
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
