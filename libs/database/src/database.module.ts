import { HarkConfig } from '@app/config';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source-options';

/**
 * The Postgres connection. Pending migrations are run when the connection opens, inside one
 * transaction, so a fresh database gets its schema from the first process that starts.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [HarkConfig],
      useFactory: (config: HarkConfig) => ({ ...dataSourceOptions(config.databaseUrl), migrationsRun: true, migrationsTransactionMode: 'all' }),
    }),
  ],
})
export class DatabaseModule {}
