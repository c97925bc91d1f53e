import 'reflect-metadata';
import { loadConfigOrExit, logLevelsFrom } from '@app/config';
import { migrateDatabase } from '@app/database';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiModule } from './api.module';
import { createValidationPipe } from './common/validation';
import { setupSwagger } from './swagger';

/** Starts the REST API. */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  await migrateDatabase(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), { logger: logLevelsFrom(config.logLevel) });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  if (config.swaggerEnabled) setupSwagger(app);
  await app.listen(config.apiPort, config.apiHost);
  new Logger('Api').log(`API listening on http://${config.apiHost}:${config.apiPort} (docs at /docs)`);
}

bootstrap().catch((error: unknown) => {
  new Logger('Api').fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
