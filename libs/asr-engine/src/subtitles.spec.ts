import { describe, expect, it } from 'vitest';
import { formatTimestamp, renderSubtitles, toCues, wrapText } from './subtitles';
import type { Transcript } from './transcript';

const english: Transcript = {
  text: 'And so, my fellow Americans, ask not what your country can do for you',
  language: 'en',
  duration: 11,
  segments: [
    { id: 0, start: 0.29, end: 2.28, text: 'And so, my fellow Americans,' },
    { id: 1, start: 3661.5, end: 3665.25, text: 'ask not what your country can do for you' },
  ],
};

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
});
