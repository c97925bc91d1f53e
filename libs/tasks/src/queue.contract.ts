import type { TaskPriority } from './task.types';

/**
 * The transcription queue contract: one place for the queue name, job names and payloads that
 * the api (producer) and the processor (consumer) share.
 */
export const TRANSCRIPTION_QUEUE = 'transcription';

export const TranscriptionJob = {
  /** Transcribe (or translate) a task's media. Job id = task id. */
  Transcribe: 'transcribe',
} as const;

/** Payload of `TranscriptionJob.Transcribe`. Everything else is read from the task row. */
export interface TranscribeJobData {
  taskId: string;
}

/** BullMQ priority of each task priority (1 is served first; 0 would bypass priorities). */
export const JOB_PRIORITY: Readonly<Record<TaskPriority, number>> = { high: 1, normal: 5, low: 10 };
