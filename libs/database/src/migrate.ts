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
