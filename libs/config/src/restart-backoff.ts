/**
 * When to start a crashed process again, in ms: `firstMs`, doubling at each crash up to `maxMs`,
 * and back to `firstMs` once it had run (been ready) for `resetAfterMs`.
 */
export interface RestartBackoffPolicy {
  firstMs: number;
  maxMs: number;
  resetAfterMs: number;
}

/** 1 s, doubling to 30 s; reset after a minute of running. */
export const DEFAULT_RESTART_BACKOFF: RestartBackoffPolicy = { firstMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/**
 * The restart delays of one supervised process (a processor's device worker, `npm start`'s api
 * and processor): a process that keeps crashing is started again less and less often, one that
 * ran long enough before it crashed is started again quickly.
 */
export class RestartBackoff {
  private delayMs: number;
  /** When the current run became ready (ms since the epoch); null until it does. */
  private readyAt: number | null = null;
  private wasReady = false;

  constructor(readonly policy: RestartBackoffPolicy = DEFAULT_RESTART_BACKOFF) {
    this.delayMs = policy.firstMs;
  }

  /** Whether the process was ever ready (a crash before that is not retried by the supervisors). */
  get everReady(): boolean {
    return this.wasReady;
  }

  /** The process was (re)started: its run has not been ready yet. */
  started(): void {
    this.readyAt = null;
  }

  /** The process reported ready. */
  ready(): void {
    this.wasReady = true;
    this.readyAt = Date.now();
  }

  /** The delay before the next start after a crash, in ms, from how long the run had been ready. */
  afterCrash(): number {
    return this.next(this.readyAt === null ? 0 : Date.now() - this.readyAt);
  }

  /**
   * The delay before the next start, in ms, after a crash.
   * @param ranMs how long the process had been ready before it exited, in ms (0 when it never was)
   */
  next(ranMs: number): number {
    if (ranMs >= this.policy.resetAfterMs) this.delayMs = this.policy.firstMs;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.policy.maxMs, delay * 2);
    return delay;
  }
}
