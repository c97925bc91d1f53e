import { type ErrorCode, HarkError } from '@app/errors';
import { ShuttingDownError, TaskCancelledError } from './active-tasks';

/** What to do with a task whose attempt threw. */
export type FailureDecision =
  /** The task was cancelled (the api recorded it): stop, nothing to write. */
  | { action: 'stop' }
  /** The processor is shutting down: give the job back to the queue without using up an attempt. */
  | { action: 'hand_back' }
  /** A transient failure with attempts left: the task waits in `queued` for BullMQ's backoff. */
  | { action: 'retry'; error: string; code: ErrorCode | null }
  /** The task fails for good: its failure is not retryable, or it was the last attempt. */
  | { action: 'fail'; error: string; code: ErrorCode | null; retryable: boolean };

/**
 * Decides what an attempt's failure means, from the error's `retryable` alone: a `HarkError` says
 * whether it is; any other error (database, Redis, the engine) is taken as transient.
 * @param attempt this attempt's number, from 1
 * @param maxAttempts the job's attempts (JOB_ATTEMPTS)
 */
export function decideFailure(error: unknown, attempt: number, maxAttempts: number): FailureDecision {
  if (error instanceof TaskCancelledError) return { action: 'stop' };
  if (error instanceof ShuttingDownError) return { action: 'hand_back' };
  const known = error instanceof HarkError ? error : null;
  const retryable = known ? known.retryable : true;
  const description = {
    error: known ? known.taskError() : error instanceof Error ? error.message : String(error),
    code: known?.code ?? null,
  };
  return retryable && attempt < maxAttempts
    ? { action: 'retry', ...description }
    : { action: 'fail', ...description, retryable };
}
