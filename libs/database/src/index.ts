export { DatabaseModule } from './database.module';
export { dataSourceOptions, ENTITIES } from './data-source-options';
export { migrateDatabase, migrateWhenReachable } from './migrate';
