import type { TaskStatus } from './task.types';

/**
 * The task lifecycle: every status change a task can make, and from which statuses.
 *
 * ```
 *                 start              complete
 *   (created) ─► queued ─────► processing ─────► completed
 *                 ▲  │ ◄───────────┘  │
 *                 │  │   requeue      │ fail / cancel
 *                 │  └── fail / cancel ──► failed | cancelled
 *                 └──────── retry ◄───────────┘
 * ```
 *
 * - `start`: a processor takes the task (also from `processing`: the job came back after a crash).
 * - `requeue`: an attempt ended by a transient error, or the processor handed the job back at shutdown.
 * - `retry`: a user runs a failed or cancelled task again (same id, new attempt).
 * - `completed`, `failed` and `cancelled` are final: reaching one raises `TaskFinished` (which
 *   schedules the callback).
 *
 * `TaskLifecycle` is the only writer of `status`; this table is the only place that says which
 * moves are allowed.
 */
export const TRANSITIONS = {
  start: { from: ['queued', 'processing'], to: 'processing' },
  complete: { from: ['processing'], to: 'completed' },
  fail: { from: ['queued', 'processing'], to: 'failed' },
  cancel: { from: ['queued', 'processing'], to: 'cancelled' },
  requeue: { from: ['processing'], to: 'queued' },
  retry: { from: ['failed', 'cancelled'], to: 'queued' },
} as const satisfies Record<string, { from: readonly TaskStatus[]; to: TaskStatus }>;

export type Transition = keyof typeof TRANSITIONS;

/** A status a task never leaves except by `retry`. */
export type FinalStatus = 'completed' | 'failed' | 'cancelled';

/** Statuses a task never leaves except by `retry`. */
export const FINAL_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'] satisfies FinalStatus[];

/** Whether a status is final. */
export function isFinal(status: TaskStatus): status is FinalStatus {
  return FINAL_STATUSES.includes(status);
}

/** Statuses of tasks that still have work to do. */
export const UNFINISHED_STATUSES: readonly TaskStatus[] = ['queued', 'processing'];
