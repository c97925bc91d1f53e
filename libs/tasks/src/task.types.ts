import type { Transcript, WhisperTask } from '@app/asr-engine';

/** Lifecycle of a task: queued → processing → completed | failed (a retry goes back to queued). */
export const TASK_STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Whisper task: `transcribe` keeps the spoken language, `translate` outputs English. */
export const TASK_KINDS = ['transcribe', 'translate'] as const satisfies readonly WhisperTask[];
export type TaskKind = WhisperTask;

export const TASK_PRIORITIES = ['high', 'normal', 'low'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** Where a task's media came from. */
export const TASK_SOURCES = ['upload'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

/** The stored result of a completed task (the engine's transcript). */
export type TaskResult = Transcript;
