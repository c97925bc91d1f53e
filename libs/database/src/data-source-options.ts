import { TaskEntity } from '@app/tasks';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

/** Every entity Hark stores. */
export const ENTITIES = [TaskEntity];

/**
 * TypeORM options for Hark's Postgres database. The schema is only ever changed by the committed
 * migrations in `libs/database/src/migrations` (never `synchronize`).
 * @param url Postgres connection URL
 */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: [join(__dirname, 'migrations', '*.{js,ts}')],
    migrationsTableName: 'migrations',
    synchronize: false,
    // A request must not hang on a database that went away: connecting gives up after 2 s.
    extra: { connectionTimeoutMillis: 2000 },
  };
}
