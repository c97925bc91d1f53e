import 'reflect-metadata';
import { type HarkConfig, loadConfigOrExit } from '@app/config';
import { Logger } from '@nestjs/common';

/**
 * Whether this process supervises one worker process per device (ASR_DEVICES other than a single
 * `cpu`), rather than being the worker itself (the default `cpu`, or a device's worker).
 */
function supervisesDevices(config: HarkConfig): boolean {
  return config.workerDevice === null && !(config.asrDevices.length === 1 && config.asrDevices[0] === 'cpu');
}

/** Starts a processor: a worker (`./worker`), or a supervisor of one worker per device (`./devices/supervise-devices`). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // Loaded on demand: a supervisor never loads Nest's modules, the models or the native addon.
  if (supervisesDevices(config)) await (await import('./devices/supervise-devices.js')).superviseDevices(config);
  else await (await import('./worker.js')).runWorker(config);
}

main().catch((error: unknown) => {
  new Logger('Processor').fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
