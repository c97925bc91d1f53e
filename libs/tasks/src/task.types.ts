import type { Transcript, WhisperTask } from '@app/asr-engine';

/**
 * Lifecycle of a task: queued → processing → completed | failed | cancelled. A retry puts a
 * failed or cancelled task back to queued.
 */
export const TASK_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Whisper task: `transcribe` keeps the spoken language, `translate` outputs English. */
export const TASK_KINDS = ['transcribe', 'translate'] as const satisfies readonly WhisperTask[];
export type TaskKind = WhisperTask;

export const TASK_PRIORITIES = ['high', 'normal', 'low'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** Where a task's media came from: an upload, or a media URL the processor downloads. */
export const TASK_SOURCES = ['upload', 'url'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

/** The stored result of a completed task (the engine's transcript). */
export type TaskResult = Transcript;

/** Delivery state of a task's callback. */
export const CALLBACK_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** One attempt to deliver a callback. */
export interface CallbackAttempt {
  /** ISO time the request was sent. */
  at: string;
  /** HTTP status of the receiver's answer, or null when no answer came (see `error`). */
  status_code: number | null;
  /** Network error or timeout, when there was no answer. */
  error: string | null;
  duration_ms: number;
}
