import { HarkError } from '@app/errors';

/**
 * What went wrong in an HTTP exchange: `refused` (the private-address guard, inside a download),
 * `redirects` (more than allowed), `timeout` (the time limit or the idle limit), `network`
 * (DNS, connection, reset, a file that cannot be written), `status` (an error status where one
 * is not expected), `too_large` (over the size limit).
 */
export type HttpFailure = 'refused' | 'redirects' | 'timeout' | 'network' | 'status' | 'too_large';

/** Where and why an exchange failed, besides the message. */
export interface HttpFailureDetails {
  /** The URL of the hop that failed (after redirects), when known. */
  url?: URL;
  /** The answer's status, for `status`. */
  status?: number;
  /** The short cause (see `HttpRequestError.reason`); defaults to the message. */
  reason?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A failed request, code `download_failed` (the ERROR_CODES entry for fetching from a URL).
 * `message` is written for the user (`HTTP 404 from host`, `timed out after 30000 ms downloading
 * from host`, …); `failure` and `reason` let a caller word its own message (the crawler, the
 * callback delivery, the model download).
 */
export class HttpRequestError extends HarkError {
  declare readonly code: 'download_failed';
  /** The hop that failed, when known. */
  readonly url: URL | undefined;
  /** The answer's status for `status` failures, else null. */
  readonly status: number | null;
  /** For `network`: the system error code (`ECONNREFUSED`) or the error's message; otherwise the message. */
  readonly reason: string;

  constructor(
    readonly failure: HttpFailure,
    message: string,
    retryable: boolean,
    details: HttpFailureDetails = {},
  ) {
    super('download_failed', message, retryable, details.cause === undefined ? undefined : { cause: details.cause });
    this.url = details.url;
    this.status = details.status ?? null;
    this.reason = details.reason ?? message;
  }
}

/**
 * A URL Hark refuses to fetch (the server-side request forgery guard) or cannot use: code
 * `url_not_allowed`, never retryable.
 */
export class UrlNotAllowedError extends HarkError {
  declare readonly code: 'url_not_allowed';

  constructor(message: string) {
    super('url_not_allowed', message, false);
  }
}

/** Whether an error status may succeed later: 408 Request Timeout, 429 Too Many Requests, 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
