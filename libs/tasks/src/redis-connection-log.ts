import type { EventEmitter } from 'node:events';
import { isConnectionError } from '@app/errors';
import { Logger } from '@nestjs/common';
import { type Processor, Queue, type QueueOptions, Worker, type WorkerOptions } from 'bullmq';

const logger = new Logger('Redis');

/** The connections of this process that reported a connection error and have not been ready since. */
const down = new Set<object>();
let outageStartedAt = 0;

function message(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/**
 * Makes the errors of one Redis connection (an ioredis client, or a BullMQ queue, worker or
 * queue events) go through the Nest logger, one line each and without flooding: connection errors
 * are logged once per outage of this process (when the first connection fails, naming it) and its
 * recovery once (when every connection that failed is ready again); they repeat at every reconnect
 * attempt otherwise. Other errors (of a command or a job) are logged one line each. Attaching a
 * listener also stops ioredis printing "[ioredis] Unhandled error event" and BullMQ printing the
 * error with `console.error`.
 * @param source emits `error`
 * @param name what the connection is for, e.g. `queue transcription`
 * @param readiness emits `ready` when the connection is (re)established (default: `source`)
 */
export function watchRedisConnection(source: EventEmitter, name: string, readiness: EventEmitter = source): void {
  source.on('error', (error: unknown) => {
    if ((source as { closing?: unknown }).closing) return; // errors while closing are expected
    if (!isConnectionError(error)) {
      logger.error(`${name}: ${message(error)}`);
      return;
    }
    if (down.has(source)) return;
    if (down.size === 0) {
      outageStartedAt = Date.now();
      logger.warn(
        `Redis is unreachable (${name}: ${message(error)}); work that needs it waits or fails until it is back, connections retry on their own`,
      );
    }
    down.add(source);
  });
  readiness.on('ready', () => {
    if (!down.delete(source) || down.size > 0) return;
    logger.log(`Redis is reachable again after ${((Date.now() - outageStartedAt) / 1000).toFixed(1)} s`);
  });
  // A connection that ended for good (closed by the app) no longer counts as down.
  readiness.on('end', () => down.delete(source));
}

/** A BullMQ `Queue` whose connection errors go through `watchRedisConnection` from its construction on. */
export class WatchedQueue extends Queue {
  constructor(name: string, opts: QueueOptions) {
    super(name, opts);
    watchRedisConnection(this, `queue ${this.name}`, this.getBackend());
  }
}

/** A BullMQ `Worker` whose connection errors go through `watchRedisConnection` from its construction on. */
export class WatchedWorker extends Worker {
  constructor(name: string, processor: string | URL | null | Processor | undefined, opts: WorkerOptions) {
    super(name, processor, opts);
    watchRedisConnection(this, `worker ${this.name}`, this.getBackend());
  }
}
