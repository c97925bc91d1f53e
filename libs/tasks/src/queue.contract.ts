import type { TaskPriority } from './task.types';

/**
 * The queue contract: one place for the queue names, job names and payloads that the api
 * (producer) and the processor (consumer) share.
 */
export const TRANSCRIPTION_QUEUE = 'transcription';
export const CALLBACK_QUEUE = 'callbacks';

export const TranscriptionJob = {
  /** Transcribe (or translate) a task's media. Job id = task id. */
  Transcribe: 'transcribe',
  /** Identify the language of a stored file (not a task); the job's return value is the answer. */
  DetectLanguage: 'detect-language',
} as const;

/** Payload of `TranscriptionJob.Transcribe`. Everything else is read from the task row. */
export interface TranscribeJobData {
  taskId: string;
}

/** Payload of `TranscriptionJob.DetectLanguage`. */
export interface DetectLanguageJobData {
  /** Stored media file (under STORAGE_DIR); the api deletes it after the answer. */
  mediaPath: string;
}

/** Return value of `TranscriptionJob.DetectLanguage`: null when the file has no speech. */
export interface DetectLanguageResult {
  language: string | null;
}

export type TranscriptionJobData = TranscribeJobData | DetectLanguageJobData;

export const CallbackJob = {
  /** POST a task's outcome to its callback URL. */
  Deliver: 'deliver',
} as const;

/** Payload of `CallbackJob.Deliver`: the body is fixed when the task finishes (it may be deleted later). */
export interface DeliverCallbackJobData {
  taskId: string;
  url: string;
  /** The JSON body, exactly as it is signed and sent. */
  body: string;
}

/** BullMQ priority of each task priority (1 is served first; 0 would bypass priorities). */
export const JOB_PRIORITY: Readonly<Record<TaskPriority, number>> = { high: 1, normal: 5, low: 10 };
