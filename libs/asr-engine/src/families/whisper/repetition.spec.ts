import { describe, expect, it } from 'vitest';
import { compressionRatio, dropRepeatedTail, repeatedTailStart } from './repetition';
import type { Segment, Word } from '../../transcript';

/** What `repeatedTailStart` keeps of `text`. */
function kept(text: string): string | null {
  const start = repeatedTailStart(text);
  return start === null ? null : text.slice(0, start).trimEnd();
}

/** A segment whose words are its space-separated parts, one per 0.5 s from `start`. */
function segment(id: number, start: number, text: string): Segment {
  const words: Word[] = text
    .split(' ')
    .map((word, i) => ({ word, start: start + i * 0.5, end: start + i * 0.5 + 0.4 }));
  return { id, start, end: start + words.length * 0.5, text, words };
}

const NUMBERS = [
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
];

describe('compressionRatio', () => {
  it('is 0 for empty text', () => {
    expect(compressionRatio('')).toBe(0);
  });

  it('divides the UTF-8 bytes by the zlib-compressed bytes, to 3 decimals, as openai-whisper', () => {
    const text = NUMBERS.map((n) => ` Segment ${n}.`.trim()).join(' ');
    expect(compressionRatio(text)).toBe(2.424);
    expect(compressionRatio('The quick brown fox jumps over the lazy dog.')).toBeLessThan(1.2);
  });

  it('counts bytes, not characters', () => {
    // 12 characters but 36 bytes: a ratio computed on UTF-16 lengths would be a third of it.
    expect(compressionRatio('我爱你我爱你我爱你我爱你')).toBeGreaterThan(1.5);
  });
});

describe('repeatedTailStart', () => {
  it('keeps one copy of a sentence said again and again', () => {
    expect(kept('Thank you. Thank you. Thank you. Thank you.')).toBe('Thank you.');
  });

  it('keeps what comes before the loop', () => {
    expect(kept('So we went home and then and then and then and then and then')).toBe('So we went home and then');
  });

  it('drops a last copy that was cut short', () => {
    expect(kept("I'm here. I'm here. I'm here. I'm")).toBe("I'm here.");
  });

  it('ends the kept copy where the sentence ends, not where the periodic text begins', () => {
    // Periodic from "you." on; the copies are "Thank you.", not "you. Thank".
    expect(kept('I said you. Thank you. Thank you. Thank you.')).toBe('I said you. Thank you.');
  });

  it('ignores case and punctuation when comparing words', () => {
    expect(kept('Go away, go away. Go away! Go away')).toBe('Go away,');
  });

  it('prefers the loop that removes the most', () => {
    expect(kept('ha ha ha ha ha ha ha')).toBe('ha');
  });

  it('works on characters for Chinese', () => {
    expect(kept('他说我爱你。我爱你。我爱你。我爱你。')).toBe('他说我爱你。');
  });

  it('leaves text without three copies in a row alone', () => {
    expect(kept('New York, New York')).toBeNull();
    expect(kept('New York, New York, New')).toBeNull();
    expect(kept('And the very very best of it is that it ends.')).toBeNull();
    expect(kept('')).toBeNull();
  });
});

describe('dropRepeatedTail', () => {
  it('cuts a looping text whose compression ratio is above 2.4', () => {
    const text = "It's over. " + "I'm here. ".repeat(12).trim();
    expect(compressionRatio(text)).toBeGreaterThan(2.4);
    const [cut, ...rest] = dropRepeatedTail([segment(0, 10, text)]);
    expect(rest).toEqual([]);
    expect(cut).toMatchObject({ id: 0, start: 10, text: "It's over. I'm here.", repetition_removed: true });
    expect(cut.words!.map((w) => w.word)).toEqual(["It's", 'over.', "I'm", 'here.']);
    expect(cut.end).toBeCloseTo(11.9, 9);
  });

  it('leaves segments without a loop as they are', () => {
    const segments = [
      segment(0, 0, 'And so, my fellow Americans,'),
      segment(1, 3, 'ask not what your country can do for you,'),
      segment(2, 8, 'ask what you can do for your country.'),
    ];
    const result = dropRepeatedTail(segments);
    expect(result).toBe(segments);
    expect(result.every((s) => s.repetition_removed === undefined)).toBe(true);
  });

  it('drops the segments after the kept copy and cuts the text and words of the one it ends in', () => {
    const segments = [
      segment(0, 0, 'We should go now.'),
      segment(1, 2, "Okay. I'm here. I'm"),
      segment(2, 4, "here. I'm here."),
      segment(3, 6, "I'm here. I'm here."),
    ];
    const result = dropRepeatedTail(segments);
    expect(result).toHaveLength(2);
    expect(result[0]).toBe(segments[0]);
    expect(result[1]).toEqual({
      id: 1,
      start: 2,
      end: segments[1].words![2].end,
      text: "Okay. I'm here.",
      words: segments[1].words!.slice(0, 3),
      repetition_removed: true,
    });
  });

  it('flags the last kept segment when the loop starts with a segment', () => {
    const segments = [segment(0, 0, 'Thank you.'), segment(1, 1, 'Thank you.'), segment(2, 2, 'Thank you.')];
    expect(dropRepeatedTail(segments)).toEqual([{ ...segments[0], repetition_removed: true }]);
  });

  it('cuts Chinese segments written without spaces between them', () => {
    const segments: Segment[] = [
      { id: 0, start: 0, end: 2, text: '我爱你。我爱你。' },
      { id: 1, start: 2, end: 4, text: '我爱你。我爱你。' },
    ];
    expect(dropRepeatedTail(segments)).toEqual([
      { id: 0, start: 0, end: 2, text: '我爱你。', repetition_removed: true },
    ]);
  });
});
