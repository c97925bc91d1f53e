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

  it('measures the run from ready: a crash before ready is not a long run, one after resetAfterMs is', async () => {
    const backoff = new RestartBackoff({ firstMs: 10, maxMs: 1000, resetAfterMs: 50 });
    expect(backoff.everReady).toBe(false);
    backoff.started();
    expect([backoff.afterCrash(), backoff.afterCrash()]).toEqual([10, 20]);
    backoff.started();
    backoff.ready();
    expect(backoff.everReady).toBe(true);
    await new Promise((done) => setTimeout(done, 60));
    expect(backoff.afterCrash()).toBe(10);
    backoff.started();
    expect(backoff.afterCrash()).toBe(20);
  });
});
