import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_BACKOFF, RestartBackoff } from './restart-backoff';

describe('RestartBackoff', () => {
  it('doubles from 1 s to 30 s while the process keeps crashing, and starts over after a minute of running', () => {
    const backoff = new RestartBackoff();
    expect(Array.from({ length: 7 }, () => backoff.next(5_000))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(backoff.next(DEFAULT_RESTART_BACKOFF.resetAfterMs)).toBe(1000);
    expect(backoff.next(0)).toBe(2000);
  });

  it('follows its own policy', () => {
    const backoff = new RestartBackoff({ firstMs: 10, maxMs: 25, resetAfterMs: 100 });
    expect([backoff.next(0), backoff.next(0), backoff.next(0), backoff.next(100)]).toEqual([10, 20, 25, 10]);
  });
});
