import { HarkError } from '@app/errors';
import { HttpRequestError } from './http-errors';

/** The time limits of one exchange (every redirect hop and the body), all optional. */
export interface ExchangeLimits {
  /** Time limit of the whole exchange, in ms: hops, and reading the body. */
  timeoutMs?: number;
  /** Longest time without any data on the connection, in ms (per hop). */
  idleTimeoutMs?: number;
  /** The caller's cancellation; its `reason` is what the exchange then throws. */
  signal?: AbortSignal;
}

/**
 * The abort signal of one exchange (the caller's signal, the time limit and the idle limit in
 * one), and the translation of what failed into the error the caller sees.
 */
export class Exchange {
  /** Aborts the request and its body when any limit is reached or the caller cancels. */
  readonly signal: AbortSignal;
  private readonly timeout: AbortSignal | undefined;
  private readonly idle = new AbortController();

  constructor(private readonly limits: ExchangeLimits) {
    this.timeout = limits.timeoutMs === undefined ? undefined : AbortSignal.timeout(limits.timeoutMs);
    this.signal = AbortSignal.any(
      [limits.signal, this.timeout, this.idle.signal].filter((signal): signal is AbortSignal => signal !== undefined),
    );
  }

  /** Called when a connection was idle for `idleTimeoutMs`: aborts the exchange. */
  readonly idleExpired = (): void => this.idle.abort();

  /**
   * The error to throw for `error`, raised while talking to `url`: Hark errors (the guard's, the
   * limits') as they are; the caller's abort reason when it cancelled; else an HttpRequestError
   * (retryable): `timed out after N ms downloading from <host>`, `no data for N ms from <host>`,
   * or `network error from <host>: <CODE>`.
   */
  explain(error: unknown, url: URL): unknown {
    if (error instanceof HarkError) return error;
    if (this.limits.signal?.aborted) return this.limits.signal.reason;
    if (this.timeout?.aborted)
      return new HttpRequestError(
        'timeout',
        `timed out after ${this.limits.timeoutMs} ms downloading from ${url.host}`,
        true,
        { url, cause: error },
      );
    if (this.idle.signal.aborted)
      return new HttpRequestError('timeout', `no data for ${this.limits.idleTimeoutMs} ms from ${url.host}`, true, {
        url,
        cause: error,
      });
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return new HttpRequestError('network', `network error from ${url.host}: ${reason}`, true, {
      url,
      reason,
      cause: error,
    });
  }
}
