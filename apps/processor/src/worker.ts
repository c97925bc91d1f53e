import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLogger,
  type HarkConfig,
  notifySupervisorReady,
  routeProcessOutputToLogger,
  stopWhenSupervisorGoes,
} from '@app/config';
import { migrateWhenReachable } from '@app/database';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AsrEngines } from './asr-engines';
import { ProcessorModule } from './processor.module';

/**
 * Runs one worker: loads the model on this process's device, consumes the queues, serves its
 * probes on PROCESSOR_HEALTH_PORT. Alone (`ASR_DEVICES=cpu`) it is the processor; under a device
 * supervisor (`HARK_WORKER_DEVICE` set) it is that device's worker and tells the supervisor its
 * probes' port once ready.
 */
export async function runWorker(config: HarkConfig): Promise<void> {
  const logger = createLogger(config, 'Processor');
  Logger.overrideLogger(logger);
  routeProcessOutputToLogger(config); // LOG_FORMAT=json: libraries' console output as JSON lines too
  await migrateWhenReachable(config.databaseUrl, config.dependencyOutageToleranceMs);
  const app = await NestFactory.create(ProcessorModule.forRoot(config), { logger });
  app.enableShutdownHooks();
  await app.listen(config.processorHealthPort, config.apiHost);
  const engines = app.get(AsrEngines);
  const port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
  const work = `${engines.summary()}, ${config.asrPoolSize} recognizers × ${config.asrThreads} threads, ${config.workerConcurrency} tasks at once`;
  // Under a supervisor the processor's "Processor ready … health on port" line is the supervisor's.
  new Logger('Processor').log(
    config.workerDevice
      ? `Worker for ${config.workerDevice} ready (pid ${process.pid}): ${work}; probes on port ${port}`
      : `Processor ready: ${work}; health on port ${port}`,
  );
  stopWhenSupervisorGoes();
  notifySupervisorReady(port); // npm start prints "Hark is ready" once both apps are; a device supervisor learns the port
}
