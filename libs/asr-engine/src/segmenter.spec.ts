import { describe, expect, it } from 'vitest';
import { ClipSegmenter, FixedWindowSegmenter } from './segmenter';

const ramp = (from: number, length: number) => Float32Array.from({ length }, (_, i) => from + i);
const spans = (chunks: { start: number; samples: Float32Array }[]) =>
  chunks.map((c) => [c.start, c.start + c.samples.length, c.samples[0]]);

describe('FixedWindowSegmenter', () => {
  it('cuts every window, whatever the pushed sizes, and flushes the rest', () => {
    const segmenter = new FixedWindowSegmenter(4);
    const chunks = [...segmenter.push(ramp(0, 3)), ...segmenter.push(ramp(3, 6)), ...segmenter.flush()];
    expect(spans(chunks)).toEqual([
      [0, 4, 0],
      [4, 8, 4],
      [8, 9, 8],
    ]);
  });
});

describe('ClipSegmenter', () => {
  it('keeps only the clipped ranges, segments each on its own, and keeps absolute positions', () => {
    const segmenter = new ClipSegmenter(
      [
        [2, 5],
        [8, Infinity],
      ],
      new FixedWindowSegmenter(2),
    );
    const chunks = [...segmenter.push(ramp(0, 7)), ...segmenter.push(ramp(7, 5)), ...segmenter.flush()];
    // [2,5) → windows [2,4) [4,5); [8,12) → [8,10) [10,12)
    expect(spans(chunks)).toEqual([
      [2, 4, 2],
      [4, 5, 4],
      [8, 10, 8],
      [10, 12, 10],
    ]);
  });

  it('gives nothing when the clips lie beyond the audio', () => {
    const segmenter = new ClipSegmenter([[100, 200]], new FixedWindowSegmenter(10));
    expect([...segmenter.push(ramp(0, 50)), ...segmenter.flush()]).toEqual([]);
  });
});
