export { DatabaseModule } from './database.module';
export { dataSourceOptions, ENTITIES } from './data-source-options';
export { migrateDatabase } from './migrate';
