import 'reflect-metadata';
import { AsrEngine } from '@app/asr-engine';
import { loadConfigOrExit, logLevelsFrom } from '@app/config';
import { migrateDatabase } from '@app/database';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProcessorModule } from './processor.module';

/** Starts a processor: loads the model, then consumes the transcription queue. */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  await migrateDatabase(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(ProcessorModule.forRoot(config), {
    logger: logLevelsFrom(config.logLevel),
  });
  app.enableShutdownHooks();
  const engine = app.get(AsrEngine);
  new Logger('Processor').log(`Processor ready: ${engine.info.name}, concurrency ${config.workerConcurrency}, ${config.asrThreads} threads`);
}

bootstrap().catch((error: unknown) => {
  new Logger('Processor').fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
