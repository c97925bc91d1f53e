import { describe, expect, it } from 'vitest';
import { type Cue, DEFAULT_MAX_CUE_DURATION, formatTimestamp, renderSubtitles, toCues, wrapText } from './subtitles';
import type { Transcript, Word } from './transcript';

const english: Transcript = {
  text: 'And so, my fellow Americans, ask not what your country can do for you',
  language: 'en',
  duration: 11,
  segments: [
    { id: 0, start: 0.29, end: 2.28, text: 'And so, my fellow Americans,' },
    { id: 1, start: 3661.5, end: 3665.25, text: 'ask not what your country can do for you' },
  ],
};

/** Words at the given [start, end] times in seconds. */
const timed = (...words: [string, number, number][]): Word[] =>
  words.map(([word, start, end]) => ({ word, start, end }));

/** One segment with word times: "The quick brown fox jumps over the lazy dog." over 0–4.5 s. */
const fox: Transcript = {
  text: 'The quick brown fox jumps over the lazy dog.',
  language: 'en',
  duration: 5,
  segments: [
    {
      id: 0,
      start: 0,
      end: 4.5,
      text: 'The quick brown fox jumps over the lazy dog.',
      words: timed(
        ['The', 0, 0.3],
        ['quick', 0.3, 0.7],
        ['brown', 0.8, 1.2],
        ['fox', 1.2, 1.5],
        ['jumps', 2, 2.5],
        ['over', 2.5, 2.9],
        ['the', 3, 3.1],
        ['lazy', 3.1, 3.6],
        ['dog.', 3.6, 4],
      ),
    },
  ],
};

/** Cues as [start, end, lines] for compact expectations. */
const compact = (cues: Cue[]) => cues.map((cue) => [cue.start, cue.end, cue.lines]);

/** Every cue lies inside one segment, in order, without overlap, with times in whole milliseconds. */
function expectWithinSegments(cues: Cue[], transcript: Transcript): void {
  cues.forEach((cue, i) => {
    expect(
      transcript.segments.some((s) => cue.start >= s.start && cue.end <= s.end),
      `cue ${i} ${cue.start}–${cue.end} inside a segment`,
    ).toBe(true);
    expect(cue.end).toBeGreaterThanOrEqual(cue.start);
    if (i > 0) expect(cue.start).toBeGreaterThanOrEqual(cues[i - 1].end);
    for (const time of [cue.start, cue.end]) expect(Math.round(time * 1000) / 1000).toBe(time);
  });
}

describe('subtitles', () => {
  it('formats SubRip and WebVTT timestamps', () => {
    expect(formatTimestamp(3661.5, ',')).toBe('01:01:01,500');
    expect(formatTimestamp(0.0405, '.')).toBe('00:00:00.041');
  });

  it('wraps at word boundaries, and between characters for unspaced scripts', () => {
    expect(wrapText('ask not what your country can do for you', 12, false)).toEqual([
      'ask not what',
      'your country',
      'can do for',
      'you',
    ]);
    expect(wrapText('supercalifragilistic is long', 5, false)).toEqual(['supercalifragilistic', 'is', 'long']);
    expect(wrapText('欢迎大家来体验达摩院', 4, true)).toEqual(['欢迎大家', '来体验达', '摩院']);
  });

  it('splits a segment into cues of max_line_count lines, sharing its time by characters', () => {
    const cues = toCues(english, { maxLineWidth: 12, maxLineCount: 2 });
    expect(cues.map((c) => c.lines)).toEqual([
      ['And so, my', 'fellow'],
      ['Americans,'],
      ['ask not what', 'your country'],
      ['can do for', 'you'],
    ]);
    expect(cues[0].start).toBe(0.29);
    expect(cues.at(-1)!.end).toBe(3665.25);
    cues.forEach((cue, i) => i > 0 && expect(cue.start).toBeGreaterThanOrEqual(cues[i - 1].end));
  });

  it('renders srt, vtt, txt and tsv', () => {
    expect(renderSubtitles(english, 'srt')).toBe(
      '1\n00:00:00,290 --> 00:00:02,280\nAnd so, my fellow Americans,\n\n2\n01:01:01,500 --> 01:01:05,250\nask not what your country can do for you\n',
    );
    expect(renderSubtitles(english, 'vtt').startsWith('WEBVTT\n\n00:00:00.290 --> 00:00:02.280\n')).toBe(true);
    expect(renderSubtitles(english, 'txt')).toBe(
      'And so, my fellow Americans,\nask not what your country can do for you\n',
    );
    expect(renderSubtitles(english, 'tsv').split('\n')[1]).toBe('290\t2280\tAnd so, my fellow Americans,');
  });

  it('with word times, breaks lines at the width and cues at the line count, timed by their words', () => {
    expect(compact(toCues(fox, { maxLineWidth: 10, maxLineCount: 1 }))).toEqual([
      [0, 0.7, ['The quick']],
      [0.8, 1.5, ['brown fox']],
      [2, 2.9, ['jumps over']],
      [3, 3.6, ['the lazy']],
      [3.6, 4, ['dog.']],
    ]);
    expect(compact(toCues(fox, { maxLineWidth: 10, maxLineCount: 2 }))).toEqual([
      [0, 1.5, ['The quick', 'brown fox']],
      [2, 3.6, ['jumps over', 'the lazy']],
      [3.6, 4, ['dog.']],
    ]);
  });

  it('with word times, starts a new cue where a word would end past max_cue_duration', () => {
    // "jumps" would end 2.5 s after "The" starts; "dog." ends exactly 2 s after "jumps" starts, which fits.
    expect(compact(toCues(fox, { maxLineWidth: 20, maxLineCount: 2, maxCueDuration: 2 }))).toEqual([
      [0, 1.5, ['The quick brown fox']],
      [2, 4, ['jumps over the lazy', 'dog.']],
    ]);
    expect(compact(toCues(fox, { maxCueDuration: 1 }))).toEqual([
      [0, 0.7, ['The quick']],
      [0.8, 1.5, ['brown fox']],
      [2, 2.9, ['jumps over']],
      [3, 4, ['the lazy dog.']],
    ]);
  });

  it('with word times, gives a word longer than the limits a cue of its own', () => {
    const long: Transcript = {
      ...fox,
      segments: [
        {
          id: 0,
          start: 0,
          end: 12,
          text: 'Hmm supercalifragilistic yes',
          words: timed(['Hmm', 0, 0.5], ['supercalifragilistic', 0.5, 10.5], ['yes', 10.5, 11]),
        },
      ],
    };
    expect(compact(toCues(long, { maxLineWidth: 10, maxLineCount: 1, maxCueDuration: 5 }))).toEqual([
      [0, 0.5, ['Hmm']],
      [0.5, 10.5, ['supercalifragilistic']],
      [10.5, 11, ['yes']],
    ]);
  });

  it('keeps every cue of a long segment within max_cue_duration, with and without word times', () => {
    const text = Array.from({ length: 40 }, (_, i) => `word${i}`);
    const words = timed(...text.map((word, i): [string, number, number] => [word, 1 + i * 0.5, 1.4 + i * 0.5]));
    const withWords: Transcript = {
      text: text.join(' '),
      language: 'en',
      duration: 22,
      segments: [{ id: 0, start: 1, end: 21, text: text.join(' '), words }],
    };
    const withoutWords: Transcript = { ...withWords, segments: [{ ...withWords.segments[0], words: undefined }] };
    for (const transcript of [withWords, withoutWords]) {
      const cues = toCues(transcript);
      expect(cues.length).toBe(3);
      for (const cue of cues) expect(cue.end - cue.start).toBeLessThanOrEqual(DEFAULT_MAX_CUE_DURATION);
      expect(cues.flatMap((cue) => cue.lines).join(' ')).toBe(text.join(' '));
      expectWithinSegments(cues, transcript);
    }
    expect(compact(toCues(withWords)).map(([start, end]) => [start, end])).toEqual([
      [1, 7.9],
      [8, 14.9],
      [15, 20.9],
    ]);
  });

  it('without word times, cuts a long segment at words into even cues sharing its time by characters', () => {
    // 30 words of 4 characters: 149 characters over 15 s. Cues of 13 words would fit 7 s, but leave
    // 4 words for the last; three cues of 10 words (50 characters each with the space) are as short as can be.
    const words = Array.from({ length: 30 }, (_, i) => `w${String(i).padStart(3, '0')}`);
    const transcript: Transcript = {
      text: words.join(' '),
      language: 'en',
      duration: 15,
      segments: [{ id: 0, start: 0, end: 15, text: words.join(' ') }],
    };
    expect(compact(toCues(transcript))).toEqual([
      [0, 5.034, [words.slice(0, 10).join(' ')]],
      [5.034, 10.067, [words.slice(10, 20).join(' ')]],
      [10.067, 15, [words.slice(20).join(' ')]],
    ]);
  });

  it('joins Chinese words without spaces, and cuts Chinese text without word times between characters', () => {
    const text = '欢迎大家来体验达摩院';
    const withWords: Transcript = {
      text,
      language: 'zh',
      duration: 3,
      segments: [
        {
          id: 0,
          start: 0,
          end: 3,
          text,
          words: timed(['欢迎', 0, 0.4], ['大家', 0.4, 0.8], ['来', 0.8, 1], ['体验', 1, 1.5], ['达摩院', 1.5, 2.4]),
        },
      ],
    };
    expect(compact(toCues(withWords, { maxLineWidth: 4, maxLineCount: 1 }))).toEqual([
      [0, 0.8, ['欢迎大家']],
      [0.8, 1.5, ['来体验']],
      [1.5, 2.4, ['达摩院']],
    ]);
    expect(compact(toCues(withWords))).toEqual([[0, 2.4, ['欢迎大家来体验达摩院']]]);

    const long: Transcript = {
      text: '欢迎大家来体验达摩院推出的语音识别模型',
      language: 'zh',
      duration: 16,
      segments: [{ id: 0, start: 1, end: 16, text: '欢迎大家来体验达摩院推出的语音识别模型' }],
    };
    // 19 characters over 15 s, at most 4 s a cue: 4 cues, cut after 5, 10 and 15 characters.
    expect(compact(toCues(long, { maxCueDuration: 4 }))).toEqual([
      [1, 4.947, ['欢迎大家来']],
      [4.947, 8.895, ['体验达摩院']],
      [8.895, 12.842, ['推出的语音']],
      [12.842, 16, ['识别模型']],
    ]);
  });

  it('never runs a cue past its segment or into the next', () => {
    const transcript: Transcript = {
      text: 'one two three four',
      language: 'en',
      duration: 5,
      segments: [
        // The last word's time runs past the segment; the next segment starts before this one ends.
        { id: 0, start: 0, end: 2, text: 'one two', words: timed(['one', 0, 1], ['two', 1, 2.3]) },
        { id: 1, start: 1.8, end: 4, text: 'three four' },
      ],
    };
    const cues = toCues(transcript);
    expect(compact(cues)).toEqual([
      [0, 2, ['one two']],
      [2, 4, ['three four']],
    ]);
    expectWithinSegments(cues, transcript);
    expectWithinSegments(toCues(fox, { maxLineWidth: 4, maxLineCount: 1, maxCueDuration: 0.5 }), fox);
  });

  it('keeps one cue per short segment, with its times and text, by default and at exactly max_cue_duration', () => {
    expect(compact(toCues(english))).toEqual([
      [0.29, 2.28, ['And so, my fellow Americans,']],
      [3661.5, 3665.25, ['ask not what your country can do for you']],
    ]);
    expect(compact(toCues(english, { maxCueDuration: 3.75 })).at(-1)).toEqual([
      3661.5,
      3665.25,
      ['ask not what your country can do for you'],
    ]);
    expect(toCues(english, { maxCueDuration: 3.7 })).toHaveLength(3);
  });

  it('renders word-timed cues in srt', () => {
    expect(renderSubtitles(fox, 'srt', { maxCueDuration: 2 })).toBe(
      '1\n00:00:00,000 --> 00:00:01,500\nThe quick brown fox\n\n2\n00:00:02,000 --> 00:00:04,000\njumps over the lazy dog.\n',
    );
    expect(renderSubtitles(fox, 'txt', { maxCueDuration: 2 })).toBe('The quick brown fox jumps over the lazy dog.\n');
  });

  describe('with speakers', () => {
    const dialogue: Transcript = {
      text: 'Are you there? Yes, I am here.',
      language: 'en',
      duration: 5,
      segments: [
        { id: 0, start: 0.5, end: 1.8, text: 'Are you there?', speaker: 'SPEAKER_00' },
        { id: 1, start: 2, end: 4.25, text: 'Yes, I am here.', speaker: 'SPEAKER_01' },
      ],
      speakers: [
        { speaker: 'SPEAKER_00', speaking_time: 1.3 },
        { speaker: 'SPEAKER_01', speaking_time: 2.25 },
      ],
    };

    it('starts SRT cues and TXT lines with the label in brackets, on the first line', () => {
      expect(renderSubtitles(dialogue, 'srt', { maxLineWidth: 10 })).toBe(
        '1\n00:00:00,500 --> 00:00:01,800\n[SPEAKER_00] Are you\nthere?\n\n' +
          '2\n00:00:02,000 --> 00:00:04,250\n[SPEAKER_01] Yes, I am\nhere.\n',
      );
      expect(renderSubtitles(dialogue, 'txt')).toBe('[SPEAKER_00] Are you there?\n[SPEAKER_01] Yes, I am here.\n');
    });

    it('starts WebVTT cues with a voice span, escaping the name', () => {
      expect(renderSubtitles(dialogue, 'vtt')).toBe(
        'WEBVTT\n\n00:00:00.500 --> 00:00:01.800\n<v SPEAKER_00>Are you there?\n\n' +
          '00:00:02.000 --> 00:00:04.250\n<v SPEAKER_01>Yes, I am here.\n',
      );
      const renamed: Transcript = {
        ...dialogue,
        segments: [dialogue.segments[0], { ...dialogue.segments[1], speaker: 'Tom & <Jerry>' }],
      };
      expect(renderSubtitles(renamed, 'vtt').split('\n').at(-2)).toBe('<v Tom &amp; &lt;Jerry&gt;>Yes, I am here.');
      expect(renderSubtitles(renamed, 'srt').split('\n').at(-2)).toBe('[Tom & <Jerry>] Yes, I am here.');
    });

    it('adds a speaker column to TSV when the transcript has speakers', () => {
      expect(renderSubtitles(dialogue, 'tsv')).toBe(
        'start\tend\tspeaker\ttext\n500\t1800\tSPEAKER_00\tAre you there?\n2000\t4250\tSPEAKER_01\tYes, I am here.\n',
      );
      expect(renderSubtitles({ ...dialogue, speakers: undefined }, 'tsv').split('\n')[0]).toBe('start\tend\ttext');
    });

    it('renders JSON as the transcript, speakers included', () => {
      const json = renderSubtitles(dialogue, 'json');
      expect(json).toBe(`${JSON.stringify(dialogue)}\n`);
      expect(JSON.parse(json)).toEqual(dialogue);
    });

    it('starts a new cue where the speaker of the words changes', () => {
      const words = timed(['Ready?', 0, 0.5], ['Yes.', 0.8, 1.1], ['Go.', 1.4, 1.7]);
      const mixed: Transcript = {
        text: 'Ready? Yes. Go.',
        language: 'en',
        duration: 2,
        segments: [
          {
            id: 0,
            start: 0,
            end: 2,
            text: 'Ready? Yes. Go.',
            speaker: 'SPEAKER_00',
            // The last word has no speaker of its own: it takes the segment's.
            words: [words[0], { ...words[1], speaker: 'SPEAKER_01' }, words[2]],
          },
        ],
      };
      expect(toCues(mixed)).toEqual([
        { start: 0, end: 0.5, lines: ['Ready?'], speaker: 'SPEAKER_00' },
        { start: 0.8, end: 1.1, lines: ['Yes.'], speaker: 'SPEAKER_01' },
        { start: 1.4, end: 1.7, lines: ['Go.'], speaker: 'SPEAKER_00' },
      ]);
      expect(renderSubtitles(mixed, 'vtt')).toBe(
        'WEBVTT\n\n00:00:00.000 --> 00:00:00.500\n<v SPEAKER_00>Ready?\n\n' +
          '00:00:00.800 --> 00:00:01.100\n<v SPEAKER_01>Yes.\n\n' +
          '00:00:01.400 --> 00:00:01.700\n<v SPEAKER_00>Go.\n',
      );
      // Without speakers the same words make one cue.
      expect(toCues({ ...mixed, segments: [{ ...mixed.segments[0], speaker: undefined, words }] })).toEqual([
        { start: 0, end: 1.7, lines: ['Ready? Yes. Go.'] },
      ]);
    });
  });
});
