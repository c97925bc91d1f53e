import type { ErrorCode } from './error-codes';

/** One request field an error is about, with what is wrong with it. */
export interface FieldProblems {
  field: string;
  problems: string[];
}

/**
 * The base of every domain error. `code` classifies it (a task's `error_code`); `retryable` says
 * whether the same work may succeed later (a timeout, a rate limit, a 5xx) or never will (bad
 * media, a deleted post, a refused address). `message` is written for the user: it says what
 * went wrong and, where there is one, how to fix it.
 */
export class HarkError extends Error {
  /** The request field the error is about (e.g. `file_url`), when it comes from a client's input. */
  readonly field?: string;
  /** Each request field the error is about, with its problems, when there are several or they differ from the message. */
  readonly details?: FieldProblems[];

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = false,
    options?: ErrorOptions & { field?: string; details?: FieldProblems[] },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.field = options?.field;
    this.details = options?.details;
  }

  /** The text stored as the task's `error` when this error ends an attempt. */
  taskError(): string {
    return this.message;
  }
}
