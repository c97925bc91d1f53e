/**
 * `npm run config:docs`: rewrites `.env.example` and the README's configuration table from
 * libs/config/src/environment.ts (see libs/config/src/config-docs.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderEnvExample, withConfigTable } from '../libs/config/src/config-docs';

const root = resolve(__dirname, '..');
writeFileSync(resolve(root, '.env.example'), renderEnvExample());
const readme = resolve(root, 'README.md');
writeFileSync(readme, withConfigTable(readFileSync(readme, 'utf8')));
