import { isConnectionError } from '@app/errors';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** Arbitrary constant key of the Postgres advisory lock that serialises migrations. */
const MIGRATION_LOCK_KEY = 0x4841524b; // "HARK"

/**
 * Brings the schema up to date with the committed migrations, in one transaction. Safe to call
 * from every process at start: a Postgres advisory lock lets one migrate while the others wait,
 * then find nothing left to do.
 * @param url Postgres connection URL
 * @returns the names of the migrations that were applied
 * @throws the database error when Postgres is unreachable or a migration fails (nothing is applied then)
 */
export async function migrateDatabase(url: string): Promise<string[]> {
  const dataSource = await new DataSource(dataSourceOptions(url)).initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = (await dataSource.runMigrations({ transaction: 'all' })).map((migration) => migration.name);
    if (applied.length) new Logger('Database').log(`Applied migrations: ${applied.join(', ')}`);
    return applied;
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}

/**
 * `migrateDatabase` for an app's start: while Postgres cannot be reached (not started yet, or in an
 * outage), waits and tries again (every 1 s, then up to every 5 s) until `toleranceMs` has passed,
 * so a process started during an outage comes up when the database does instead of exiting.
 * @throws the last connection error after `toleranceMs`; any other error at once
 */
export async function migrateWhenReachable(url: string, toleranceMs: number): Promise<string[]> {
  const deadline = Date.now() + toleranceMs;
  for (let delay = 1000, logged = false; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await migrateDatabase(url);
    } catch (error) {
      if (!isConnectionError(error) || Date.now() + delay > deadline) throw error;
      if (!logged)
        new Logger('Database').warn(
          `Postgres does not answer (${error instanceof Error ? error.message : String(error)}); waiting for it`,
        );
      logged = true;
      await new Promise((done) => setTimeout(done, delay));
    }
  }
}
