import { QueueEventsHost, QueueEventsListener } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QUEUES } from './queue.contract';
import { TaskQueue } from './task-queue';

/**
 * The transcription queue's events, for requests that wait for a job (the OpenAI endpoints,
 * detect-language). Its `QueueEvents` is created by the BullMQ module, with the module's
 * connection and prefix. Provided only in the api.
 */
@QueueEventsListener(QUEUES.transcription)
@Injectable()
export class TranscriptionEvents extends QueueEventsHost {
  constructor(private readonly queue: TaskQueue) {
    super();
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
