import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { testPostgresUrl } from './env';

const ROOT = resolve(__dirname, '../..');

/** A throw-away database on the test Postgres server (`TEST_POSTGRES_URL`). */
export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database (closing its connections). */
  drop(): Promise<void>;
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${testPostgresUrl()}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database; with `migrate`, brings it to the committed schema with the built
 * migrations (`npm run build` first, as the e2e tests need anyway).
 */
export async function createTestDatabase({ migrate = false } = {}): Promise<TestDatabase> {
  const name = `hark_test_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = `${testPostgresUrl()}/${name}`;
  if (migrate) {
    const migrateJs = join(ROOT, 'dist/libs/database/src/migrate.js');
    if (!existsSync(migrateJs)) throw new Error(`${migrateJs} is missing: run npm run build first.`);
    execFileSync(
      process.execPath,
      [
        '-e',
        'require(process.argv[1]).migrateDatabase(process.argv[2]).catch((e) => { console.error(e); process.exit(1); })',
        migrateJs,
        url,
      ],
      { stdio: 'inherit' },
    );
  }
  return {
    name,
    url,
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
