import { HarkConfig } from '@app/config';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { watchRedisConnection } from './redis-connection-log';

/**
 * Tells every processor that a task was cancelled or deleted, over Redis pub/sub, so the one
 * working on it stops at once. (What it may still write is refused by the task's status; this
 * only makes it stop promptly.)
 */
@Injectable()
export class TaskCancellation implements OnModuleDestroy {
  private publisher?: Redis;
  private subscriber?: Redis;
  private readonly channel: string;

  constructor(private readonly config: HarkConfig) {
    this.channel = `${config.queuePrefix}:task-cancelled`;
  }

  async publish(taskId: string): Promise<void> {
    if (!this.publisher) {
      this.publisher = new Redis(this.config.redisUrl, { maxRetriesPerRequest: 1 });
      watchRedisConnection(this.publisher, 'cancellation publisher');
    }
    await this.publisher.publish(this.channel, taskId);
  }

  /** Calls `handler` with the id of each task cancelled from now on. */
  async subscribe(handler: (taskId: string) => void): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = new Redis(this.config.redisUrl);
      watchRedisConnection(this.subscriber, 'cancellation subscriber');
    }
    this.subscriber.on('message', (channel: string, taskId: string) => channel === this.channel && handler(taskId));
    await this.subscriber.subscribe(this.channel);
  }

  onModuleDestroy(): void {
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }
}
