import { QueueEventsHost, QueueEventsListener } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QUEUES } from './queue.contract';
import { watchRedisConnection } from './redis-connection-log';
import { TaskQueue } from './task-queue';

/**
 * The transcription queue's events, for requests that wait for a job (the OpenAI endpoints,
 * detect-language). Its `QueueEvents` is created by the BullMQ module, with the module's
 * connection and prefix. Provided only in the api.
 */
@QueueEventsListener(QUEUES.transcription)
@Injectable()
export class TranscriptionEvents extends QueueEventsHost implements OnModuleInit, OnApplicationBootstrap {
  private watched = false;

  constructor(private readonly queue: TaskQueue) {
    super();
  }

  /** Sends the Redis errors of the `QueueEvents` connection to the log, as soon as the BullMQ module created it. */
  onModuleInit(): void {
    this.watchConnection();
  }

  onApplicationBootstrap(): void {
    this.watchConnection();
  }

  private watchConnection(): void {
    if (this.watched) return;
    let events: QueueEventsHost['queueEvents'];
    try {
      events = this.queueEvents;
    } catch {
      return; // not created yet: onApplicationBootstrap comes after the BullMQ module's onModuleInit
    }
    watchRedisConnection(events, `queue events ${QUEUES.transcription}`, events.getBackend());
    this.watched = true;
  }

  /**
   * Waits until a job finishes and returns its return value.
   * @throws the job's failure, or an Error whose message contains "timed out" after `timeoutMs`
   */
  async result<T>(job: Job, timeoutMs: number): Promise<T> {
    await this.queueEvents.waitUntilReady();
    return (await job.waitUntilFinished(this.queueEvents, timeoutMs)) as T;
  }

  /**
   * Waits until a task's job finishes or fails (the task row then holds the outcome).
   * @returns false at once when Redis has no job for the task (not enqueued yet, or already
   *   removed): the caller falls back to reading the task
   * @throws an Error whose message contains "timed out" after `timeoutMs`
   */
  async waitForTask(taskId: string, timeoutMs: number): Promise<boolean> {
    await this.queueEvents.waitUntilReady(); // listening before looking, so no completion is missed
    const job = await this.queue.job(taskId);
    if (!job) return false;
    await this.result(job, timeoutMs).catch((error: Error) => {
      if (/timed out/i.test(error.message)) throw error;
    });
    return true;
  }
}
