import type { Segment } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { watchRedisConnection } from './redis-connection-log';
import { type StreamEntry, StreamFanout } from './stream-fanout';
import type { TaskEntity } from './task.entity';
import type { TaskStatus } from './task.types';
import { within } from './within';

/** What happens to a task, as clients see it live (`GET /api/v1/tasks/{id}/events`). */
export type TaskEvent =
  | { type: 'status'; status: TaskStatus; progress: number; error: string | null; error_code: string | null }
  | { type: 'progress'; progress: number }
  | { type: 'segment'; segment: Segment };

/** One stored event and its id (the Redis stream entry id, `<ms>-<seq>`: ordered, usable as SSE `id`). */
export interface StoredTaskEvent {
  id: string;
  event: TaskEvent;
}

/** The `status` event of a task as it stands (after a lifecycle move, or as a stream's first snapshot). */
export function statusEvent(task: Pick<TaskEntity, 'status' | 'progress' | 'error' | 'errorCode'>): TaskEvent {
  return {
    type: 'status',
    status: task.status,
    progress: task.progress,
    error: task.error,
    error_code: task.errorCode,
  };
}

/** A stream entry (`[id, [field, value, …]]`) as the event it holds. */
function stored([id, fields]: StreamEntry): StoredTaskEvent {
  return { id, event: JSON.parse(fields[fields.indexOf('event') + 1]) as TaskEvent };
}

/** Events kept per task (the stream is trimmed beyond), and how long a task's events live. */
const MAX_EVENTS = 10_000;
const TTL_SECONDS = 24 * 3600;

/**
 * The live events of each task, in a Redis stream per task (`<prefix>:task-events:<id>`), so that
 * any api node can serve them to any client and a client that reconnects continues after the last
 * event it saw. Writers (the lifecycle, the processor) publish best-effort: a lost event never
 * fails the work; Postgres stays the source of truth for the task itself.
 */
@Injectable()
export class TaskEvents implements OnModuleDestroy {
  private readonly logger = new Logger(TaskEvents.name);
  private writer?: Redis;
  private reader?: Redis;
  private shared?: StreamFanout;

  constructor(private readonly config: HarkConfig) {}

  /** Appends an event to the task's stream, waiting at most 2 s; logs instead of throwing when Redis is away. */
  async publish(taskId: string, event: TaskEvent): Promise<void> {
    try {
      const key = this.key(taskId);
      // Bounded: a Redis that hangs must never hold up a task's lifecycle or its decoding.
      await within(
        this.connection()
          .multi()
          .xadd(key, 'MAXLEN', '~', MAX_EVENTS, '*', 'event', JSON.stringify(event))
          .expire(key, TTL_SECONDS)
          .exec(),
        'redis',
      );
    } catch (error) {
      this.logger.warn(
        `Task ${taskId}: a live ${event.type} event was not published (${(error as Error).message}); clients see the task's state on their next read`,
      );
    }
  }

  /**
   * The task's events after `after` (an event id; '0' for all), as they come; after `blockMs`
   * without one it yields null (time for a keep-alive). Ends when `signal` aborts. Every reader in
   * this process shares one Redis connection (`StreamFanout`), whatever their number.
   * @throws Error when `after` is not an event id (check with `isEntryId` first), or when Redis fails
   */
  async *read(
    taskId: string,
    after: string,
    blockMs: number,
    signal: AbortSignal,
  ): AsyncGenerator<StoredTaskEvent | null> {
    const queue: StoredTaskEvent[] = [];
    let failure: Error | undefined;
    let wake = () => {};
    const stop = this.fanout().watch(this.key(taskId), after, {
      deliver: (entries) => {
        queue.push(...entries.map(stored));
        wake();
      },
      fail: (error) => {
        failure = error;
        wake();
      },
    });
    const onAbort = () => wake();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (!queue.length && !failure)
          await new Promise<void>((done) => {
            const timer = setTimeout(done, blockMs);
            wake = () => {
              clearTimeout(timer);
              done();
            };
          });
        if (signal.aborted) return;
        if (failure) throw failure;
        const next = queue.shift();
        yield next ?? null;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      stop();
    }
  }

  /** The events stored after `after` ('0' for all), without waiting for new ones. */
  async since(taskId: string, after: string): Promise<StoredTaskEvent[]> {
    const entries = await this.connection().xrange(this.key(taskId), after === '0' ? '-' : `(${after}`, '+');
    return entries.map(stored);
  }

  onModuleDestroy(): void {
    this.writer?.disconnect();
    this.reader?.disconnect();
  }

  /** The one reader of this process, opened on first use; its connection is named `<prefix>:task-events`. */
  private fanout(): StreamFanout {
    if (!this.shared) {
      this.reader = new Redis(this.config.redisUrl, {
        maxRetriesPerRequest: 1,
        connectionName: `${this.config.queuePrefix}:task-events`,
      });
      watchRedisConnection(this.reader, 'task events reader');
      this.shared = new StreamFanout(this.reader, () => this.connection());
    }
    return this.shared;
  }

  /** The shared connection for writes and non-blocking reads, opened on first use. */
  private connection(): Redis {
    if (!this.writer) {
      this.writer = new Redis(this.config.redisUrl, { maxRetriesPerRequest: 1 });
      watchRedisConnection(this.writer, 'task events');
    }
    return this.writer;
  }

  private key(taskId: string): string {
    return `${this.config.queuePrefix}:task-events:${taskId}`;
  }
}
