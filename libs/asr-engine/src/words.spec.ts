import { describe, expect, it } from 'vitest';
import type { Word } from './transcript';
import { fitWords, type TimedToken, wordsOfSegments } from './words';

/** openai-whisper's defaults (`transcribe()`'s prepend_punctuations / append_punctuations). */
const WHISPER_PUNCTUATION = { prepend: '"\'“¿([{-', append: '"\'.。,，!！?？:：”)]}、' };

/** Tokens with consecutive times: token i lasts [i * step, (i + 1) * step]. */
function timed(texts: string[], step = 0.1): TimedToken[] {
  return texts.map((text, i) => ({ text, start: round(i * step), end: round((i + 1) * step) }));
}

const round = (seconds: number): number => Math.round(seconds * 1e6) / 1e6;

/** Words with times rounded to µs, to compare times computed by division. */
const rounded = (words: Word[]): Word[] => words.map((w) => ({ ...w, start: round(w.start), end: round(w.end) }));

/** The text of a segment without spaces: what its words must reproduce. */
const squeezed = (text: string): string => text.replace(/\s+/g, '');

describe('wordsOfSegments', () => {
  it('attaches quotes and punctuation of an English sentence to their words, keeping the words’ times', () => {
    const text = ' "Hello, world!" he said.';
    const tokens = timed([' "', 'Hello', ',', ' world', '!"', ' he', ' said', '.']);
    const [words] = wordsOfSegments([text], tokens, WHISPER_PUNCTUATION);
    expect(rounded(words)).toEqual([
      // The opening quote starts the word (`Hello` has no space, so it joins it), the comma is appended.
      { word: '"Hello,', start: 0, end: 0.2 },
      // `!"` is only append punctuation: merged into ` world`, whose times the word keeps.
      { word: 'world!"', start: 0.3, end: 0.4 },
      { word: 'he', start: 0.5, end: 0.6 },
      { word: 'said.', start: 0.6, end: 0.7 },
    ]);
  });

  it('splits the words among the segments they belong to', () => {
    const texts = [' Segment one.', ' Segment two.'];
    const tokens = timed([' Se', 'gment', ' one', '.', ' Se', 'gment', ' two', '.']);
    expect(wordsOfSegments(texts, tokens, WHISPER_PUNCTUATION).map(rounded)).toEqual([
      [
        { word: 'Segment', start: 0, end: 0.2 },
        { word: 'one.', start: 0.2, end: 0.3 },
      ],
      [
        { word: 'Segment', start: 0.4, end: 0.6 },
        { word: 'two.', start: 0.6, end: 0.7 },
      ],
    ]);
  });

  it('gives a token spanning two segments to the first one', () => {
    const texts = [' Hi.', ' Yes.'];
    const tokens = timed([' Hi', '. ', 'Yes', '.']);
    expect(wordsOfSegments(texts, tokens, WHISPER_PUNCTUATION).map(rounded)).toEqual([
      [{ word: 'Hi.', start: 0, end: 0.1 }],
      [{ word: 'Yes.', start: 0.2, end: 0.3 }],
    ]);
  });

  it('reads Chinese from byte tokens and tokens whose partial characters became U+FFFD', () => {
    // 你 E4 BD A0 · 好 E5 A5 BD · 世 E4 B8 96 · 界 E7 95 8C · 。 E3 80 82
    const text = '你好世界。';
    const tokens: TimedToken[] = [
      { text: '你', start: 0, end: 0.2 },
      { text: '\uFFFD', start: 0.2, end: 0.3 }, // E5 A5: a truncated sequence, one U+FFFD
      { text: '<0xBD>', start: 0.3, end: 0.4 },
      { text: '<0xE4>', start: 0.5, end: 0.6 },
      { text: '\uFFFD\uFFFD界', start: 0.6, end: 0.9 }, // B8 96 E7 95 8C: two stray continuation bytes, then 界
      { text: '。', start: 0.9, end: 1 },
    ];
    const [words] = wordsOfSegments([text], tokens, WHISPER_PUNCTUATION);
    expect(rounded(words)).toEqual([
      { word: '你', start: 0, end: 0.2 },
      { word: '好', start: 0.2, end: 0.4 },
      // One unit (世界, from <0xE4> to the U+FFFD token) cut into its two characters, sharing its time.
      { word: '世', start: 0.5, end: 0.7 },
      { word: '界。', start: 0.7, end: 0.9 },
    ]);
  });

  it('places consecutive U+FFFD tokens by decoding the text back to their strings', () => {
    const text = ' 你好 ok';
    // 你好 = E4 BD A0 E5 A5 BD: [E4 BD] → 1 U+FFFD; [A0 E5 A5] → 2 (a stray byte, a truncated sequence); [BD].
    const tokens = timed([' ', '\uFFFD', '\uFFFD\uFFFD', '<0xBD>', ' ok']);
    const words = wordsOfSegments([text], tokens, WHISPER_PUNCTUATION)[0];
    expect(rounded(words)).toEqual([
      // The whitespace token makes no word: 你 starts a word of its own.
      { word: '你', start: 0.1, end: 0.25 },
      { word: '好', start: 0.25, end: 0.4 },
      { word: 'ok', start: 0.4, end: 0.5 },
    ]);
  });

  it('does not end a U+FFFD token at the first place where the next token would match', () => {
    // 好 = E5 A5 BD. The U+FFFD token is [A5 BD 61 62] (two stray bytes, "ab"): the next token "a"
    // also matches right after its first two bytes, but only the four bytes decode back to its string.
    const tokens = timed(['<0xE5>', '\uFFFD\uFFFDab', 'a']);
    const [words] = wordsOfSegments(['好aba'], tokens, WHISPER_PUNCTUATION);
    expect(rounded(words)).toEqual([
      { word: '好', start: 0, end: 0.1 },
      { word: 'aba', start: 0.1, end: 0.3 },
    ]);
  });

  it('moves an opening quote onto the next word and keeps that word’s times, as openai-whisper does', () => {
    const text = '他说：“你好。”';
    const tokens = timed(['他', '说', '：', '“', '你好', '。”']);
    const [words] = wordsOfSegments([text], tokens, WHISPER_PUNCTUATION);
    expect(rounded(words)).toEqual([
      { word: '他', start: 0, end: 0.1 },
      { word: '说：', start: 0.1, end: 0.2 },
      { word: '“你', start: 0.4, end: 0.45 },
      { word: '好。”', start: 0.45, end: 0.5 },
    ]);
  });

  it('makes every Thai character a word, keeping a vowel sign on its consonant', () => {
    const text = ' สวัสดีกิน';
    const tokens = timed([' สวัส', 'ดี', 'ก', 'ิ', 'น'], 0.3);
    const [words] = wordsOfSegments([text], tokens, WHISPER_PUNCTUATION);
    expect(rounded(words)).toEqual([
      { word: 'ส', start: 0, end: 0.1 },
      { word: 'วั', start: 0.1, end: 0.2 },
      { word: 'ส', start: 0.2, end: 0.3 },
      { word: 'ดี', start: 0.3, end: 0.6 },
      { word: 'กิ', start: 0.6, end: 1.2 },
      { word: 'น', start: 1.2, end: 1.5 },
    ]);
  });

  it('drops tokens it cannot place and still reproduces the text', () => {
    const texts = [' Good morning, Mr. Smith.', ' Fine.'];
    const tokens = timed([
      ' Good',
      ' mor',
      '<0xE4>',
      'ning',
      ',',
      ' Mr',
      'xyz',
      '.',
      ' Smith',
      '.',
      ' Fine',
      '.',
      ' extra',
    ]);
    const words = wordsOfSegments(texts, tokens, WHISPER_PUNCTUATION);
    expect(words.map((w) => w.map((word) => word.word))).toEqual([['Good', 'morning,', 'Mr.', 'Smith.'], ['Fine.']]);
    expect(rounded(words[0])[1]).toEqual({ word: 'morning,', start: 0.1, end: 0.4 });
  });

  it('finds its place again after text the tokens lack', () => {
    const [words] = wordsOfSegments([' It costs 5 dollars.'], timed([' It', ' costs', ' dollars', '.']), {
      prepend: '',
      append: '.',
    });
    // ` 5` has no token: its bytes go to the token before, as a word of its own sharing its time.
    expect(rounded(words)).toEqual([
      { word: 'It', start: 0, end: 0.1 },
      { word: 'costs', start: 0.1, end: 0.15 },
      { word: '5', start: 0.15, end: 0.2 },
      { word: 'dollars.', start: 0.2, end: 0.3 },
    ]);
  });

  it('gives words to a segment none of whose tokens could be placed, between its neighbours', () => {
    const texts = [' One.', ' Two three.', ' Four.'];
    const tokens = timed([' One', '.', ' zwei', ' Four', '.']);
    const words = wordsOfSegments(texts, tokens, WHISPER_PUNCTUATION).map(rounded);
    expect(words[1]).toEqual([
      { word: 'Two', start: 0.2, end: 0.25 },
      { word: 'three.', start: 0.25, end: 0.3 },
    ]);
  });

  it('gives no words without tokens', () => {
    expect(wordsOfSegments([' Hello.', ' Bye.'], [], WHISPER_PUNCTUATION)).toEqual([[], []]);
  });

  it('reproduces every segment text with its words', () => {
    const cases: [string[], string[]][] = [
      [[' "Hello, world!" he said.'], [' "', 'Hello', ',', ' world', '!"', ' he', ' said', '.']],
      [
        [' (See: page 12-14.)', ' ¿Qué?'],
        [' (', 'See', ':', ' page', ' 12', '-', '14', '.)', ' ¿', 'Qu', 'é', '?'],
      ],
      [['私はコーヒーが好きです。'], ['私', 'は', 'コ', 'ー', 'ヒ', 'ー', 'が', '好', 'き', 'です', '。']],
      [
        [' 我们', '今天去北京。'],
        [' 我们', '今天', '去', '北京', '。'],
      ],
    ];
    for (const [texts, tokenTexts] of cases) {
      const words = wordsOfSegments(texts, timed(tokenTexts), WHISPER_PUNCTUATION);
      expect(words.map((w) => w.map((word) => word.word).join(''))).toEqual(texts.map(squeezed));
      for (const word of words.flat()) expect(word.word).toBe(word.word.trim());
    }
  });
});

describe('fitWords', () => {
  it('makes overlapping and decreasing times monotonic', () => {
    const words = [
      { word: 'a', start: 1, end: 1.5 },
      { word: 'b', start: 1.2, end: 1.4 },
      { word: 'c', start: 1.3, end: 1.9 },
      { word: 'd', start: 1.8, end: 1.7 },
    ];
    expect(fitWords(words, 0, 3)).toEqual([
      { word: 'a', start: 1, end: 1.5 },
      { word: 'b', start: 1.5, end: 1.5 },
      { word: 'c', start: 1.5, end: 1.9 },
      { word: 'd', start: 1.9, end: 1.9 },
    ]);
  });

  it('clamps times into [start, end] and rounds them to milliseconds', () => {
    const words = [
      { word: 'early', start: 9.1234, end: 10.56789 },
      { word: 'late', start: 11.9, end: 12.5 },
      { word: 'after', start: 13, end: 14 },
    ];
    expect(fitWords(words, 10.25, 12.1)).toEqual([
      { word: 'early', start: 10.25, end: 10.568 },
      { word: 'late', start: 11.9, end: 12.1 },
      { word: 'after', start: 12.1, end: 12.1 },
    ]);
  });
});
