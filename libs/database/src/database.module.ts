import { HarkConfig } from '@app/config';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source-options';

/** The Postgres connection. The schema comes from `migrateDatabase()`, run by each app's `main.ts`. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [HarkConfig],
      useFactory: (config: HarkConfig) => dataSourceOptions(config.databaseUrl),
    }),
  ],
})
export class DatabaseModule {}
