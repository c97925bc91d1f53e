import { expect } from 'vitest';

interface Segment {
  id: number;
  start: number;
  end: number;
  text: string;
}

/**
 * The invariants every transcript must hold: ids 0..n-1 in order, segments ordered and not
 * overlapping, inside the file, none longer than Whisper's 30 s window, none empty.
 */
export function expectWellFormedSegments(segments: Segment[], duration: number): void {
  expect(segments.length).toBeGreaterThan(0);
  segments.forEach((segment, index) => {
    expect(segment.id).toBe(index);
    expect(segment.start).toBeGreaterThanOrEqual(0);
    expect(segment.end).toBeGreaterThan(segment.start);
    expect(segment.end).toBeLessThanOrEqual(duration + 0.05);
    expect(segment.end - segment.start).toBeLessThanOrEqual(30);
    expect(segment.text.trim()).not.toBe('');
    if (index > 0) expect(segment.start).toBeGreaterThanOrEqual(segments[index - 1].end);
  });
}

/** Each expected speech region [start, end] has a segment whose bounds are within `tolerance` seconds of it. */
export function expectSpeechRegions(segments: Segment[], regions: [number, number][], tolerance = 0.5): void {
  for (const [start, end] of regions) {
    const match = segments.find(
      (segment) => Math.abs(segment.start - start) <= tolerance && Math.abs(segment.end - end) <= tolerance,
    );
    expect(
      match,
      `a segment at ${start}–${end} s (±${tolerance}) in ${JSON.stringify(segments.map((s) => [s.start, s.end]))}`,
    ).toBeDefined();
  }
}
