import 'reflect-metadata';
import type { Server } from 'node:http';
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
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiModule } from './api.module';
import { useBodyLimits } from './common/body-limits';
import { createValidationPipe } from './common/validation';
import { setupSwagger } from './swagger';
import { serveWebPage } from './web/web-page';

/** Starts the REST API. */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config, 'Api');
  Logger.overrideLogger(logger);
  routeProcessOutputToLogger(config); // LOG_FORMAT=json: libraries' console output as JSON lines too
  await migrateWhenReachable(config.databaseUrl, config.dependencyOutageToleranceMs);
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    logger,
    bodyParser: false, // useBodyLimits registers the parsers, with JSON_BODY_LIMIT_BYTES
  });
  useBodyLimits(app, config);
  app.useGlobalPipes(createValidationPipe());
  if (config.swaggerEnabled) setupSwagger(app);
  serveWebPage(app);
  await app.listen(config.apiPort, config.apiHost);
  new Logger('Api').log(`API listening on http://${config.apiHost}:${config.apiPort} (web page at /, docs at /docs)`);
  stopGracefully(app, config.shutdownGraceMs);
  stopWhenSupervisorGoes();
  notifySupervisorReady(); // npm start prints "Hark is ready" once both apps are
}

/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish (at most `graceMs`),
 * and only then close the modules (database, queues) those requests use.
 */
function stopGracefully(app: NestExpressApplication, graceMs: number): void {
  const stop = async (signal: string) => {
    const logger = new Logger('Api');
    logger.log(`${signal}: finishing in-flight requests (at most ${graceMs} ms)`);
    const server: Server = app.getHttpServer();
    const drained = new Promise<void>((done) => server.close(() => done()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    await drained;
    clearTimeout(timer);
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  new Logger('Api').fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
