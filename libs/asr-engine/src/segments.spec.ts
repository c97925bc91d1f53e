import { describe, expect, it } from 'vitest';
import { chunkToSegment, joinSegmentText, splitSpeech } from './segments';

const chunk = (start: number, length: number) => ({ start, samples: Float32Array.from({ length }, (_, i) => i) });

describe('splitSpeech', () => {
  it('leaves a chunk within the limit alone', () => {
    const short = chunk(100, 10);
    expect(splitSpeech(short, 10)).toEqual([short]);
  });

  it('cuts a long chunk into equal consecutive pieces within the limit, losing no sample', () => {
    const pieces = splitSpeech(chunk(1000, 25), 10);
    expect(pieces.map((p) => [p.start, p.samples.length])).toEqual([
      [1000, 9],
      [1009, 9],
      [1018, 7],
    ]);
    expect(pieces.flatMap((p) => [...p.samples])).toEqual([...chunk(0, 25).samples]);
  });
});

describe('chunkToSegment', () => {
  it('converts sample positions to seconds (ms precision) and trims the text', () => {
    expect(chunkToSegment(2, chunk(4576, 31968), 16000, ' And so, my fellow Americans ')).toEqual({
      id: 2,
      start: 0.286,
      end: 2.284,
      text: 'And so, my fellow Americans',
    });
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
