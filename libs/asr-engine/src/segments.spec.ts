import { describe, expect, it } from 'vitest';
import { cutAtQuietPoints, joinSegmentText } from './segments';

describe('cutAtQuietPoints', () => {
  /** Loud noise-like samples, with silent stretches [from, to). */
  const speech = (start: number, length: number, silences: [number, number][] = []) => ({
    start,
    samples: Float32Array.from({ length }, (_, i) =>
      silences.some(([from, to]) => i >= from && i < to) ? 0 : Math.sin(i * 0.3) * 0.5,
    ),
  });

  it('leaves speech within the limit alone', () => {
    const short = speech(100, 16000);
    expect(cutAtQuietPoints(short, 16000)).toEqual([short]);
  });

  it('cuts at the quietest 20 ms in the last 5 s before the limit, losing no sample', () => {
    // 40 s of speech, limit 29 s: a pause at 26.0–26.1 s is in reach, one at 10 s is not.
    const rate = 16000;
    const long = speech(1000, 40 * rate, [
      [10 * rate, 10 * rate + 1600],
      [26 * rate, 26 * rate + 1600],
    ]);
    const pieces = cutAtQuietPoints(long, 29 * rate);
    expect(pieces).toHaveLength(2);
    const cut = pieces[1].start - 1000;
    expect(cut).toBeGreaterThanOrEqual(26 * rate);
    expect(cut).toBeLessThan(26 * rate + 1600);
    expect(pieces.every((p) => p.samples.length <= 29 * rate)).toBe(true);
    expect(pieces[0].start + pieces[0].samples.length).toBe(pieces[1].start);
    expect(pieces.flatMap((p) => [...p.samples])).toEqual([...long.samples]);
  });

  it('cuts speech without pauses into pieces within the limit', () => {
    const pieces = cutAtQuietPoints(speech(0, 100_000), 30_000);
    expect(pieces.length).toBeGreaterThanOrEqual(4);
    expect(pieces.every((p) => p.samples.length > 0 && p.samples.length <= 30_000)).toBe(true);
    expect(pieces.reduce((sum, p) => sum + p.samples.length, 0)).toBe(100_000);
  });
});

describe('joinSegmentText', () => {
  const segments = [
    { id: 0, start: 0, end: 1, text: 'Hello' },
    { id: 1, start: 1, end: 2, text: '' },
    { id: 2, start: 2, end: 3, text: 'world.' },
  ];
  it('joins with spaces, skipping empty texts', () => {
    expect(joinSegmentText(segments, 'en')).toBe('Hello world.');
    expect(joinSegmentText(segments, null)).toBe('Hello world.');
  });
  it('joins without spaces for languages written without them', () => {
    expect(joinSegmentText(segments, 'zh')).toBe('Helloworld.');
  });
});
