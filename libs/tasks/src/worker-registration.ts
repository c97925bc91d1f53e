import type { HarkConfig } from '@app/config';
import { Processor, type WorkerHost } from '@nestjs/bullmq';
import type { Type } from '@nestjs/common';
import { type QueueName, workerOptions } from './queue.contract';

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
