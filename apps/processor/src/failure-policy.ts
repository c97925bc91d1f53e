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

/** BullMQ's reason for a job that stalled more than `maxStalledCount` times (moveStalledJobsToWait). */
const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

/**
 * The task's `error` and `error_code` for a job that BullMQ failed on its own (the worker never
 * reported an outcome): a job whose processor died more than JOB_MAX_STALLS times is a poison task.
 * @param failedReason the job's `failedReason`
 */
export function describeFailedJob(
  failedReason: string | undefined,
  maxStalls: number,
): { error: string; code: ErrorCode | null } {
  if (failedReason === STALLED_TOO_OFTEN) {
    return {
      error: `The processor working on this task stopped (crashed or was killed) more than ${maxStalls} times (JOB_MAX_STALLS); it is treated as a poison task and not run again. Check the processors' logs for what killed them; retry the task once that is fixed.`,
      code: 'poison_task',
    };
  }
  return { error: failedReason || 'The job failed.', code: null };
}
