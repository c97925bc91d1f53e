import { loadConfig } from '@app/config';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** The data source the TypeORM CLI uses (`npm run migration:generate|run|revert`), from DATABASE_URL. */
export default new DataSource(dataSourceOptions(loadConfig().databaseUrl));
