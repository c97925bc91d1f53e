import type { HarkConfig } from '@app/config';
import type { Job, JobsOptions, WorkerOptions } from 'bullmq';
import type { TaskPriority } from './task.types';

/**
 * The queue contract: the one place for the queues, their jobs (name → payload and result), the
 * options each job is added with, and the options each queue's worker is built with. The api
 * (producer) and the processor (consumer) both use it; nothing else names a queue or a job.
 */
export const QUEUES = {
  /**
   * Transcription work for the processors: one queue per model, `transcriptionQueue(model)`, taken
   * only by processors that serve that model (ASR_MODELS). `transcription` names the family.
   */
  transcription: 'transcription',
  /** Deliveries of finished tasks' callbacks. */
  callbacks: 'callbacks',
} as const;
/** A kind of queue: `transcription` (one queue per model) or `callbacks` (one queue). */
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * The BullMQ queue of one model's transcription work: `transcription-<model>` (BullMQ forbids `:`
 * in queue names; model names cannot hold one, see MODEL_NAME_PATTERN). The api adds a task's
 * job to the queue of its model; each processor consumes the queues of the models it serves.
 * `detect-language` jobs go to the queue of the default model (ASR_MODEL).
 */
export function transcriptionQueue(model: string): string {
  return `${QUEUES.transcription}-${model}`;
}

/**
 * The model a task runs on: the one stored with it, or, for a task from before tasks named their
 * model (`model` null), the default model (ASR_MODEL, which the api and processors share).
 */
export function modelOf(task: { model: string | null }, config: HarkConfig): string {
  return task.model ?? config.asrModel;
}

/** Redis connection and key prefix (QUEUE_PREFIX) of every queue, worker and queue-events client. */
export function queueConnection(config: HarkConfig): { connection: { url: string }; prefix: string } {
  return { connection: { url: config.redisUrl }, prefix: config.queuePrefix };
}

/** Payload of `transcribe`: everything else is read from the task row (Postgres is the truth). */
export interface TranscribeJobData {
  taskId: string;
}

/** Payload of `detect-language`. */
export interface DetectLanguageJobData {
  /** Stored media file (under STORAGE_DIR); the api deletes it after the answer. */
  mediaPath: string;
}

/** Result of `detect-language`: null when the file has no speech. */
export interface DetectLanguageResult {
  language: string | null;
}

/** Payload of `deliver`: the body is fixed when the task finishes (it may be deleted later). */
export interface DeliverCallbackJobData {
  taskId: string;
  /**
   * The task's `callback_delivery_id`: sent as `X-Hark-Delivery-Id`, the same on every retry and
   * redelivery of this outcome, so receivers can drop duplicates. Absent only in jobs queued
   * before delivery ids existed.
   */
  deliveryId?: string;
  url: string;
  /** The JSON body, exactly as it is signed and sent. */
  body: string;
}

/** The jobs of each queue: name, payload and return value. */
export type JobSpec =
  | { queue: 'transcription'; name: 'transcribe'; data: TranscribeJobData; result: void }
  | { queue: 'transcription'; name: 'detect-language'; data: DetectLanguageJobData; result: DetectLanguageResult }
  | { queue: 'callbacks'; name: 'deliver'; data: DeliverCallbackJobData; result: void };

export type JobName = JobSpec['name'];
/** The payload of a job name. */
export type JobData<N extends JobName> = Extract<JobSpec, { name: N }>['data'];
/** The return value of a job name. */
export type JobResult<N extends JobName> = Extract<JobSpec, { name: N }>['result'];

type JobOf<S> = S extends { name: infer N extends string; data: infer D; result: infer R } ? Job<D, R, N> : never;

/**
 * A BullMQ job of a queue, as a union discriminated by `name`: `switch (job.name)` narrows
 * `job.data` with no cast.
 */
export type QueueJob<Q extends QueueName> = JobOf<Extract<JobSpec, { queue: Q }>>;

/** The BullMQ job of one job name. */
export type NamedJob<N extends JobName> = JobOf<Extract<JobSpec, { name: N }>>;

/** The payloads a producer may add to a queue (for `Queue<…>` typing). */
export type QueueData<Q extends QueueName> = Extract<JobSpec, { queue: Q }>['data'];

/** BullMQ priority of each task priority (1 is served first; 0 would bypass priorities). */
export const JOB_PRIORITY: Readonly<Record<TaskPriority, number>> = { high: 1, normal: 5, low: 10 };

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;

/**
 * How each job is added: attempts and backoff (BullMQ retries a job that throws, with exponential
 * backoff doubling from the first delay), retention of finished jobs (seconds), and priority.
 */
export const JOB_OPTIONS: { readonly [N in JobName]: (config: HarkConfig, priority?: TaskPriority) => JobsOptions } = {
  /** Job id = task id, so enqueueing a task twice adds one job. Set by the producer. */
  transcribe: (config, priority = 'normal') => ({
    priority: JOB_PRIORITY[priority],
    attempts: config.jobAttempts,
    backoff: { type: 'exponential', delay: config.jobBackoffMs },
    removeOnComplete: { age: DAY_S, count: 10_000 },
    removeOnFail: { age: 7 * DAY_S },
  }),
  /** Synchronous for the client: served first, one attempt, gone once answered. */
  'detect-language': () => ({ priority: JOB_PRIORITY.high, removeOnComplete: true, removeOnFail: { age: HOUR_S } }),
  /**
   * Job id = `callbackJobId(delivery id)`, set by the producer: scheduling one delivery twice adds one
   * job (a redelivery removes the finished job first).
   */
  deliver: (config) => ({
    attempts: config.callbackAttempts,
    backoff: { type: 'exponential', delay: config.callbackBackoffMs },
    removeOnComplete: { age: DAY_S },
    removeOnFail: { age: 7 * DAY_S },
  }),
};

/**
 * The BullMQ job id of a callback delivery, derived from its delivery id (`callback_delivery_id`):
 * the api, the lifecycle and every processor's reconciler may all schedule the same delivery, and
 * only one job exists.
 */
export function callbackJobId(deliveryId: string): string {
  return `callback-${deliveryId}`;
}

/**
 * How each queue's worker is built. Given at construction: BullMQ reads the lock settings once, when
 * it creates the worker's lock manager (changing them afterwards has no effect). Locks are renewed
 * every `lockDuration / 2` ms; a job whose lock expired (its processor died) is taken back by the
 * stalled-job check every `stalledInterval` ms, at most `maxStalledCount` times.
 */
export function workerOptions(queue: QueueName, config: HarkConfig): Omit<WorkerOptions, 'connection'> {
  const locks = {
    lockDuration: config.jobLockMs,
    stalledInterval: config.jobStalledIntervalMs,
    maxStalledCount: config.jobMaxStalls,
  };
  switch (queue) {
    case 'transcription':
      // Started by the worker once the engine is loaded.
      return { ...locks, concurrency: config.workerConcurrency, autorun: false };
    case 'callbacks':
      return { ...locks, concurrency: 1 };
  }
}
