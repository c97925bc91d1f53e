import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsrEngine } from '@app/asr-engine';
import {
  createLogger,
  loadConfigOrExit,
  notifySupervisorReady,
  routeProcessOutputToLogger,
  stopWhenSupervisorGoes,
} from '@app/config';
import { migrateWhenReachable } from '@app/database';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProcessorModule } from './processor.module';

/** Starts a processor: loads the model, consumes the queues, serves its probes on PROCESSOR_HEALTH_PORT. */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config, 'Processor');
  Logger.overrideLogger(logger);
  routeProcessOutputToLogger(config); // LOG_FORMAT=json: libraries' console output as JSON lines too
  await migrateWhenReachable(config.databaseUrl, config.dependencyOutageToleranceMs);
  const app = await NestFactory.create(ProcessorModule.forRoot(config), { logger });
  app.enableShutdownHooks();
  await app.listen(config.processorHealthPort, config.apiHost);
  const engine = app.get(AsrEngine);
  const server = app.getHttpServer() as Server;
  new Logger('Processor').log(
    `Processor ready: ${engine.info.name}, ${config.asrPoolSize} recognizers × ${config.asrThreads} threads, ${config.workerConcurrency} tasks at once; health on port ${(server.address() as AddressInfo).port}`,
  );
  stopWhenSupervisorGoes();
  notifySupervisorReady(); // npm start prints "Hark is ready" once both apps are
}

bootstrap().catch((error: unknown) => {
  new Logger('Processor').fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
