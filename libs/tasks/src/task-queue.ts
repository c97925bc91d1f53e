import { HarkConfig } from '@app/config';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, JobState, Queue } from 'bullmq';
import {
  JOB_OPTIONS,
  modelOf,
  queueConnection,
  type QueueData,
  type QueueJob,
  transcriptionQueue,
} from './queue.contract';
import { WatchedQueue } from './redis-connection-log';
import type { TaskEntity } from './task.entity';

/** What routes a task's job: its id (the job id) and its model (the queue). */
type QueuedTask = Pick<TaskEntity, 'id' | 'model'>;

/**
 * Producer of the transcription queues, one per model (`transcriptionQueue`): a task's job goes
 * to the queue of its model (`modelOf`), which only processors serving that model consume.
 * Enqueueing a task is idempotent: the job id is the task id, so adding a task that already has a
 * job changes nothing. Queues are opened on first use and closed at shutdown.
 */
@Injectable()
export class TaskQueue implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue<QueueData<'transcription'>>>();

  constructor(private readonly config: HarkConfig) {}

  /** The transcription queue of one model (for the admin UI, and this producer). */
  queue(model: string): Queue<QueueData<'transcription'>> {
    const name = transcriptionQueue(model);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new WatchedQueue(name, queueConnection(this.config)) as Queue<QueueData<'transcription'>>;
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Adds the task's `transcribe` job to its model's queue, with the options of `JOB_OPTIONS`. */
  async enqueue(task: QueuedTask & Pick<TaskEntity, 'priority'>): Promise<void> {
    await this.queueOf(task).add(
      'transcribe',
      { taskId: task.id },
      { ...JOB_OPTIONS.transcribe(this.config, task.priority), jobId: task.id },
    );
  }

  /** Adds a `detect-language` job for a stored file to the default model's queue; its return value is the answer. */
  detectLanguage(mediaPath: string): Promise<Job> {
    return this.queue(this.config.asrModel).add(
      'detect-language',
      { mediaPath },
      JOB_OPTIONS['detect-language'](this.config),
    );
  }

  /**
   * Removes a task's job unless a processor holds it. Returns false when it is being processed
   * (the caller cancels it instead); true when it was removed or did not exist.
   */
  async removeJob(task: QueuedTask): Promise<boolean> {
    const job = await this.queueOf(task).getJob(task.id);
    if (!job) return true;
    if (await job.isActive()) return false;
    await job.remove();
    return true;
  }

  /** Checks that Redis answers with one cheap queue read (readiness probes). @throws the connection error */
  async ping(): Promise<void> {
    await this.queue(this.config.asrModel).getJobCounts('active');
  }

  /** The job of a task, if Redis still has it. */
  job(task: QueuedTask): Promise<QueueJob<'transcription'> | undefined> {
    return this.queueOf(task).getJob(task.id) as Promise<QueueJob<'transcription'> | undefined>;
  }

  /** State of a task's job; `unknown` when Redis has no such job. */
  state(task: QueuedTask): Promise<JobState | 'unknown'> {
    return this.queueOf(task).getJobState(task.id);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
  }

  /** The queue a task's job goes to: the one of its model (`modelOf`). */
  queueOf(task: Pick<TaskEntity, 'model'>): Queue<QueueData<'transcription'>> {
    return this.queue(modelOf(task, this.config));
  }
}
