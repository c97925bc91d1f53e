import { HarkConfig } from '@app/config';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type Job, QueueEvents } from 'bullmq';
import { queueConnection } from './queue.contract';
import { watchRedisConnection } from './redis-connection-log';
import type { TaskEntity } from './task.entity';
import { TaskQueue } from './task-queue';

/**
 * Waits for transcription jobs to finish, for requests that wait for one (the OpenAI endpoints,
 * detect-language), by BullMQ's events of the transcription queues (one per model; not the live
 * `TaskEvents` clients read). One `QueueEvents` per queue, opened on first use (with the queues'
 * connection and prefix) and kept until shutdown. Provided only in the api.
 */
@Injectable()
export class TranscriptionJobWaiter implements OnApplicationShutdown {
  private readonly events = new Map<string, QueueEvents>();

  constructor(
    private readonly queue: TaskQueue,
    private readonly config: HarkConfig,
  ) {}

  /**
   * Waits until a job finishes and returns its return value.
   * @throws the job's failure, or an Error whose message contains "timed out" after `timeoutMs`
   */
  async result<T>(job: Job, timeoutMs: number): Promise<T> {
    const events = this.eventsOf(job.queueName);
    await events.waitUntilReady();
    return (await job.waitUntilFinished(events, timeoutMs)) as T;
  }

  /**
   * Waits until a task's job (in the queue of its model) finishes or fails (the task row then
   * holds the outcome).
   * @returns false at once when Redis has no job for the task (not enqueued yet, or already
   *   removed): the caller falls back to reading the task
   * @throws an Error whose message contains "timed out" after `timeoutMs`
   */
  async waitForTask(task: Pick<TaskEntity, 'id' | 'model'>, timeoutMs: number): Promise<boolean> {
    await this.eventsOf(this.queue.queueOf(task).name).waitUntilReady(); // listening before looking, so no completion is missed
    const job = await this.queue.job(task);
    if (!job) return false;
    await this.result(job, timeoutMs).catch((error: Error) => {
      if (/timed out/i.test(error.message)) throw error;
    });
    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.events.values()].map((events) => events.close().catch(() => undefined)));
  }

  /** The events of one queue, opened (and its Redis errors sent to the log) on first use. */
  private eventsOf(queueName: string): QueueEvents {
    let events = this.events.get(queueName);
    if (!events) {
      events = new QueueEvents(queueName, queueConnection(this.config));
      watchRedisConnection(events, `queue events ${queueName}`, events.getBackend());
      this.events.set(queueName, events);
    }
    return events;
  }
}
