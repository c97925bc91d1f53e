import { HarkConfig } from '@app/config';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job, JobState, Queue } from 'bullmq';
import { JOB_OPTIONS, QUEUES, type QueueData, type QueueJob } from './queue.contract';
import type { TaskEntity } from './task.entity';

/**
 * Producer of the transcription queue. Enqueueing a task is idempotent: the job id is the task
 * id, so adding a task that already has a job changes nothing.
 */
@Injectable()
export class TaskQueue {
  constructor(
    @InjectQueue(QUEUES.transcription) private readonly queue: Queue<QueueData<'transcription'>>,
    private readonly config: HarkConfig,
  ) {}

  /** Adds the task's `transcribe` job with the options of `JOB_OPTIONS`. */
  async enqueue(task: Pick<TaskEntity, 'id' | 'priority'>): Promise<void> {
    await this.queue.add(
      'transcribe',
      { taskId: task.id },
      { ...JOB_OPTIONS.transcribe(this.config, task.priority), jobId: task.id },
    );
  }

  /** Adds a `detect-language` job for a stored file; its return value is the answer. */
  detectLanguage(mediaPath: string): Promise<Job> {
    return this.queue.add('detect-language', { mediaPath }, JOB_OPTIONS['detect-language'](this.config));
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
  job(taskId: string): Promise<QueueJob<'transcription'> | undefined> {
    return this.queue.getJob(taskId) as Promise<QueueJob<'transcription'> | undefined>;
  }

  /** State of a task's job; `unknown` when Redis has no such job. */
  state(taskId: string): Promise<JobState | 'unknown'> {
    return this.queue.getJobState(taskId);
  }
}
