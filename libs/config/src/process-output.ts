import { format } from 'node:util';
import { Logger } from '@nestjs/common';
import type { HarkConfig } from './config';

/**
 * With `LOG_FORMAT=json`, makes everything else a process prints a JSON line of the app's logger:
 * `console.*` calls of libraries (BullMQ prints some errors with `console.error`, ioredis its
 * "Unhandled error event" text), Node's process warnings, and an uncaught exception (logged as
 * `fatal`, then the process exits with status 1, as Node would). Call it in `main.ts` right after
 * `Logger.overrideLogger(...)`; with `LOG_FORMAT=text` it changes nothing.
 *
 * Nest's `ConsoleLogger` writes to `process.stdout`/`process.stderr` itself, never through `console`,
 * so this cannot loop.
 */
export function routeProcessOutputToLogger(config: HarkConfig): void {
  if (config.logFormat !== 'json') return;
  const logger = new Logger('console');
  const line = (...args: unknown[]) => format(...args);
  console.log = (...args: unknown[]) => logger.log(line(...args));
  console.info = console.log;
  console.debug = (...args: unknown[]) => logger.debug(line(...args));
  console.warn = (...args: unknown[]) => logger.warn(line(...args));
  console.error = (...args: unknown[]) => logger.error(line(...args));
  console.trace = (...args: unknown[]) => logger.error(line(...args), new Error('console.trace').stack);

  // Node's default 'warning' listener prints multi-line text; this one logs one line instead.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => new Logger('node').warn(`${warning.name}: ${warning.message}`));

  process.on('uncaughtException', (error: unknown) => {
    // An Error is logged with its message and a structured `error` field (name, message, stack).
    new Logger('node').fatal(error instanceof Error ? error : `Uncaught exception: ${format(error)}`);
    process.exit(1);
  });
}
