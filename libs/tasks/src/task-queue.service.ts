import { HarkConfig } from '@app/config';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job, JobState, Queue } from 'bullmq';
import { JOB_PRIORITY, type TranscribeJobData, TranscriptionJob, TRANSCRIPTION_QUEUE } from './queue.contract';
import type { TaskEntity } from './task.entity';

/**
 * Producer of the transcription queue. Enqueueing is idempotent: the job id is the task id, so
 * adding a task that already has a job changes nothing.
 */
@Injectable()
export class TaskQueue {
  constructor(
    @InjectQueue(TRANSCRIPTION_QUEUE) private readonly queue: Queue<TranscribeJobData>,
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

  /** The job of a task, if Redis still has it. */
  async job(taskId: string): Promise<Job<TranscribeJobData> | undefined> {
    return this.queue.getJob(taskId);
  }

  /** State of a task's job; `unknown` when Redis has no such job. */
  state(taskId: string): Promise<JobState | 'unknown'> {
    return this.queue.getJobState(taskId);
  }
}
