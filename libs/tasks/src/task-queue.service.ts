import { HarkConfig } from '@app/config';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type Job, type JobState, type Queue, QueueEvents } from 'bullmq';
import { type DetectLanguageResult, JOB_PRIORITY, type TranscriptionJobData, TranscriptionJob, TRANSCRIPTION_QUEUE } from './queue.contract';
import type { TaskEntity } from './task.entity';

/**
 * Producer of the transcription queue. Enqueueing a task is idempotent: the job id is the task
 * id, so adding a task that already has a job changes nothing.
 */
@Injectable()
export class TaskQueue implements OnModuleDestroy {
  private events?: QueueEvents;

  constructor(
    @InjectQueue(TRANSCRIPTION_QUEUE) private readonly queue: Queue<TranscriptionJobData>,
    private readonly config: HarkConfig,
  ) {}

  /** Adds the task's job with its priority, retry policy and retention. */
  async enqueue(task: Pick<TaskEntity, 'id' | 'priority'>): Promise<void> {
    await this.queue.add(
      TranscriptionJob.Transcribe,
      { taskId: task.id },
      {
        jobId: task.id,
        priority: JOB_PRIORITY[task.priority],
        attempts: this.config.jobAttempts,
        backoff: { type: 'exponential', delay: this.config.jobBackoffMs },
        removeOnComplete: { age: 24 * 3600, count: 10000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }

  /**
   * Removes a task's job unless a processor holds it. Returns false when it is being processed
   * (the caller cancels it instead); true when it was removed or did not exist.
   */
  async removeJob(taskId: string): Promise<boolean> {
    const job = await this.queue.getJob(taskId);
    if (!job) return true;
    if (await job.isActive()) return false;
    await job.remove();
    return true;
  }

  /** Checks that Redis answers with one cheap queue read (readiness probes). @throws the connection error */
  async ping(): Promise<void> {
    await this.queue.getJobCounts('active');
  }

  /** The job of a task, if Redis still has it. */
  job(taskId: string): Promise<Job<TranscriptionJobData> | undefined> {
    return this.queue.getJob(taskId);
  }

  /** State of a task's job; `unknown` when Redis has no such job. */
  state(taskId: string): Promise<JobState | 'unknown'> {
    return this.queue.getJobState(taskId);
  }

  /**
   * Asks a processor to identify the language of a stored file, at high priority, and waits.
   * @throws the processor's error, or a timeout error after `timeoutMs`
   */
  async detectLanguage(mediaPath: string, timeoutMs: number): Promise<DetectLanguageResult> {
    const events = await this.queueEvents();
    const job = await this.queue.add(TranscriptionJob.DetectLanguage, { mediaPath }, { priority: JOB_PRIORITY.high, removeOnComplete: true, removeOnFail: { age: 3600 } });
    return (await job.waitUntilFinished(events, timeoutMs)) as DetectLanguageResult;
  }

  /**
   * Waits until a task's job finishes or fails (the task row then holds the outcome).
   * @returns false at once when Redis has no job for the task (not enqueued yet, or already
   *   removed): the caller falls back to reading the task
   * @throws an Error whose message contains "timed out" after `timeoutMs`
   */
  async waitUntilFinished(taskId: string, timeoutMs: number): Promise<boolean> {
    const events = await this.queueEvents();
    const job = await this.queue.getJob(taskId);
    if (!job) return false;
    await job.waitUntilFinished(events, timeoutMs).catch((error: Error) => {
      if (/timed out/i.test(error.message)) throw error;
    });
    return true;
  }

  private async queueEvents(): Promise<QueueEvents> {
    this.events ??= new QueueEvents(TRANSCRIPTION_QUEUE, { connection: { url: this.config.redisUrl }, prefix: this.config.queuePrefix });
    await this.events.waitUntilReady();
    return this.events;
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
  }
}
