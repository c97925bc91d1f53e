import { inspect } from 'node:util';

type Falsy = undefined | null | false;

export interface WaitOptions {
  /** What is awaited, for the timeout error ("task X to be completed"); a function is read only on timeout. */
  what: string | (() => string);
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Pause between probes (default 50 ms). */
  intervalMs?: number;
}

/** Thrown by `waitFor` when time runs out; names what was awaited and the last value seen. */
export class WaitTimeoutError extends Error {
  constructor(
    what: string,
    timeoutMs: number,
    readonly lastSeen: unknown,
  ) {
    super(
      `Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${inspect(lastSeen, { depth: 3, breakLength: Infinity, maxStringLength: 2000 })}`,
    );
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Polls `probe` until it returns a truthy value (or, given `until`, a value that `until` accepts),
 * and resolves with that value. An error thrown by the probe ends the wait at once, so a probe can
 * assert on what it sees on the way.
 * @throws WaitTimeoutError naming `what` and the last value seen, when `timeoutMs` passes first
 */
export function waitFor<T>(
  probe: () => Promise<T> | T,
  options: WaitOptions & { until: (value: T) => boolean },
): Promise<T>;
export function waitFor<T>(probe: () => Promise<T | Falsy> | T | Falsy, options: WaitOptions): Promise<T>;
export async function waitFor<T>(
  probe: () => Promise<T | Falsy> | T | Falsy,
  { what, timeoutMs = 30_000, intervalMs = 50, until = Boolean }: WaitOptions & { until?: (value: T) => boolean },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await probe();
    if (until(seen as T)) return seen as T;
    if (Date.now() >= deadline) throw new WaitTimeoutError(typeof what === 'function' ? what() : what, timeoutMs, seen);
    await new Promise((done) => setTimeout(done, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
