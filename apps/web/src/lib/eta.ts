/** One progress reading: percent done at a time (ms). */
export interface ProgressSample {
  at: number;
  progress: number;
}

/**
 * Seconds left, from the progress rate since the first reading of this run; null while there is
 * not enough to go by (under two readings, under a second apart, or no progress yet).
 */
export function secondsLeft(first: ProgressSample | null, last: ProgressSample | null): number | null {
  if (!first || !last) return null;
  const elapsed = (last.at - first.at) / 1000;
  const done = last.progress - first.progress;
  if (elapsed < 1 || done <= 0 || last.progress >= 100) return null;
  return ((100 - last.progress) * elapsed) / done;
}
