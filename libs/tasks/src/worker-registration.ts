import type { HarkConfig } from '@app/config';
import { Processor, type WorkerHost } from '@nestjs/bullmq';
import type { Type } from '@nestjs/common';
import type { Worker } from 'bullmq';
import {
  type QueueData,
  type QueueJob,
  type QueueName,
  queueConnection,
  transcriptionQueue,
  workerOptions,
} from './queue.contract';
import { WatchedWorker } from './redis-connection-log';

/**
 * Makes `host` the consumer of `queue`, with the worker options of the queue contract computed from
 * `config`. `@Processor()` takes its options when the class is declared, before any configuration is
 * read; applying it here, when the app's module is built, gives BullMQ the configured options at
 * the moment it constructs the worker (its lock settings cannot change afterwards).
 * @returns `host`, for a module's `providers`
 */
export function consumerOf<T extends Type<WorkerHost>>(host: T, queue: QueueName, config: HarkConfig): T {
  Processor(queue, workerOptions(queue, config))(host);
  return host;
}

/**
 * A worker of one model's transcription queue (`transcriptionQueue(model)`), with the worker
 * options of the queue contract (locks, stall checks, concurrency; not running until `run()`), the
 * queues' connection and prefix, and its Redis errors logged. A processor creates one per model it
 * serves (ASR_MODELS).
 * @param process handles one job; what it returns is the job's return value
 */
export function transcriptionWorker(
  model: string,
  process: (job: QueueJob<'transcription'>, token?: string) => Promise<unknown>,
  config: HarkConfig,
): Worker<QueueData<'transcription'>> {
  return new WatchedWorker(transcriptionQueue(model), process as never, {
    ...queueConnection(config),
    ...workerOptions('transcription', config),
  }) as Worker<QueueData<'transcription'>>;
}
