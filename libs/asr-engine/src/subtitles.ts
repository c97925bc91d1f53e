import { UNSPACED_LANGUAGES } from './languages';
import type { Segment, Transcript, Word } from './transcript';

export const SUBTITLE_FORMATS = ['srt', 'vtt', 'txt', 'tsv', 'json'] as const;
export type SubtitleFormat = (typeof SUBTITLE_FORMATS)[number];

/** Seconds a cue lasts at most when `maxCueDuration` is not given. */
export const DEFAULT_MAX_CUE_DURATION = 7;

/** Line layout, as in openai-whisper's writers (`max_line_width` requires nothing else). */
export interface LineOptions {
  /** Characters per line; lines break at word boundaries (at characters for CJK and other unspaced scripts). */
  maxLineWidth?: number;
  /** Lines per cue; a segment with more lines becomes several cues. */
  maxLineCount?: number;
  /** Seconds per cue (default {@link DEFAULT_MAX_CUE_DURATION}); a longer segment becomes several cues. */
  maxCueDuration?: number;
}

/** One subtitle cue. Times in seconds. */
export interface Cue {
  start: number;
  end: number;
  lines: string[];
  /** With diarization: the speaker label of every word in the cue (a cue never mixes speakers). */
  speaker?: string;
}

/** Breaks text into lines of at most `width` characters (a longer single word keeps its own line). */
export function wrapText(text: string, width: number, unspaced: boolean): string[] {
  const tokens = unspaced ? Array.from(text.replace(/\s+/g, '')) : text.split(/\s+/).filter(Boolean);
  let lines: string[] = [];
  for (const token of tokens) lines = appendToken(lines, token, { width, lineCount: Infinity, unspaced })!;
  return lines;
}

/** The limits a cue is laid out under: `width` in characters, `maxMs` in integer milliseconds (Infinity: none). */
interface Layout {
  width: number;
  lineCount: number;
  maxMs: number;
  unspaced: boolean;
}

/** A cue while it is built: times in integer milliseconds. */
interface MsCue {
  start: number;
  end: number;
  lines: string[];
  speaker?: string;
}

/** Seconds → integer milliseconds. */
const toMs = (seconds: number): number => Math.round(seconds * 1000);

/** Length in characters (code points, so a CJK character or an emoji counts once). */
const charCount = (text: string): number => Array.from(text).length;

/** The options as limits; absent (or zero) width and line count mean no limit. */
function layoutOf(options: LineOptions, unspaced: boolean): Layout {
  const maxCueDuration = options.maxCueDuration ?? DEFAULT_MAX_CUE_DURATION;
  if (!(maxCueDuration > 0)) throw new RangeError(`maxCueDuration must be positive, got ${maxCueDuration}`);
  return {
    width: options.maxLineWidth || Infinity,
    lineCount: options.maxLineCount || Infinity,
    maxMs: toMs(maxCueDuration) || 1,
    unspaced,
  };
}

/**
 * `lines` with `token` added: at the end of the last line while that stays within `layout.width`
 * characters, else on a new line (a token wider than the width gets a line of its own).
 * @returns the new lines, or undefined when a new line would exceed `layout.lineCount`
 */
function appendToken(lines: string[], token: string, layout: Pick<Layout, 'width' | 'lineCount' | 'unspaced'>) {
  const last = lines.at(-1);
  if (last === undefined) return [token];
  const candidate = `${last}${layout.unspaced ? '' : ' '}${token}`;
  if (charCount(candidate) <= layout.width) return [...lines.slice(0, -1), candidate];
  return lines.length < layout.lineCount ? [...lines, token] : undefined;
}

/**
 * Cues from a segment's word times: words fill the current line up to the width, then new lines up
 * to the line count; a word that overflows the lines, would end later than `layout.maxMs` after
 * the cue's start, or has another speaker (`word.speaker`, else `speaker`), begins a new cue. A cue
 * runs from its first word's start to its last word's end.
 * @param span the segment's [start, end] in ms, its start moved past any earlier cue; word times are kept inside it
 * @param speaker the segment's speaker label, for words without one
 */
function cuesFromWords(words: Word[], span: [number, number], layout: Layout, speaker?: string): MsCue[] {
  const [from, to] = span;
  const cues: MsCue[] = [];
  let cue: MsCue | undefined;
  for (const word of words) {
    const end = Math.min(Math.max(toMs(word.end), from), to);
    const wordSpeaker = word.speaker ?? speaker;
    const lines =
      cue && cue.speaker === wordSpeaker && end - cue.start <= layout.maxMs
        ? appendToken(cue.lines, word.word, layout)
        : undefined;
    if (cue && lines) {
      cue.lines = lines;
      cue.end = Math.max(end, cue.start);
      continue;
    }
    if (cue) cues.push(cue);
    const start = Math.min(Math.max(toMs(word.start), cue?.end ?? from), to);
    cue = { start, end: Math.max(end, start), lines: [word.word], speaker: wordSpeaker };
  }
  if (cue) cues.push(cue);
  return cues;
}

/**
 * Splits tokens greedily into consecutive groups: each takes tokens while its lines fit `layout` and
 * its span stays within `maxSpan` characters (a single token always makes a group).
 * @param offsets where each token starts in the text, followed by the text's length; a group's span
 *   runs from its first token to the next group's first token (or the end)
 * @returns [first, end) token indices of each group
 */
function groupTokens(tokens: string[], offsets: number[], maxSpan: number, layout: Layout): [number, number][] {
  const groups: [number, number][] = [];
  for (let first = 0; first < tokens.length;) {
    let lines: string[] | undefined = [tokens[first]];
    let end = first + 1;
    while (end < tokens.length && offsets[end + 1] - offsets[first] <= maxSpan) {
      lines = appendToken(lines, tokens[end], layout);
      if (!lines) break;
      end++;
    }
    groups.push([first, end]);
    first = end;
  }
  return groups;
}

/**
 * Cues from a segment without word times: one cue, or, when its lines exceed `layout.lineCount`
 * or it lasts longer than `layout.maxMs`, as few cues as those limits allow, cut at word boundaries
 * (characters for unspaced scripts). The segment's time is shared by characters, so a cue's duration
 * is the segment's in proportion to its characters; when cut for duration, the cuts make the longest
 * cue as short as possible rather than leave a short remainder.
 * @param span the segment's [start, end] in ms, its start moved past any earlier cue
 */
function cuesFromText(text: string, span: [number, number], layout: Layout): MsCue[] {
  const [from, to] = span;
  const tokens = layout.unspaced ? Array.from(text.replace(/\s+/g, '')) : text.split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return [];
  const separator = layout.unspaced ? 0 : 1;
  const offsets = [0];
  for (const token of tokens) offsets.push(offsets.at(-1)! + charCount(token) + separator);
  const length = offsets[tokens.length] - separator;
  offsets[tokens.length] = length;
  const duration = to - from;
  const maxSpan = duration > layout.maxMs ? Math.floor((layout.maxMs * length) / duration) : Infinity;
  let groups = groupTokens(tokens, offsets, maxSpan, layout);
  if (maxSpan < length) groups = balance(groups.length, maxSpan, (cap) => groupTokens(tokens, offsets, cap, layout));
  if (groups.length === 1) {
    const lines = layout.width < Infinity ? wrapText(text, layout.width, layout.unspaced) : [text];
    return [{ start: from, end: to, lines }];
  }
  const at = (offset: number) => from + Math.round((offset * duration) / length);
  return groups.map(([first, end]) => ({
    start: at(offsets[first]),
    end: end === tokens.length ? to : at(offsets[end]),
    lines: tokens.slice(first, end).reduce<string[]>((lines, token) => appendToken(lines, token, layout)!, []),
  }));
}

/**
 * The grouping with `count` groups whose longest span is shortest: `group(cap)` for the smallest cap
 * (characters, at most `maxSpan`) that still needs no more than `count` groups.
 */
function balance(count: number, maxSpan: number, group: (cap: number) => [number, number][]): [number, number][] {
  let [low, high] = [0, maxSpan];
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (group(middle).length <= count) high = middle;
    else low = middle + 1;
  }
  return group(high);
}

/** The segment's words with text, or undefined when it has no word times. */
function timedWords(segment: Segment): Word[] | undefined {
  const words = segment.words?.map((w) => ({ ...w, word: w.word.trim() })).filter((w) => w.word);
  return words?.length ? words : undefined;
}

/**
 * Lays a transcript out as cues of at most `maxLineWidth` characters per line, `maxLineCount` lines
 * and `maxCueDuration` seconds (7 by default), never crossing a segment boundary. A segment with word
 * times is laid out word by word, each cue lasting from its first word's start to its last word's end;
 * one without is one cue, or several sharing its time by characters when it breaks a limit (see
 * `cuesFromText`). Cues lie within their segment, never overlap, and their times are whole
 * milliseconds; segments without text give no cue. With diarization a cue has its segment's speaker,
 * or its words' one: a change of speaker between words starts a new cue.
 */
export function toCues(transcript: Transcript, options: LineOptions = {}): Cue[] {
  const layout = layoutOf(options, transcript.language !== null && UNSPACED_LANGUAGES.has(transcript.language));
  const cues: MsCue[] = [];
  for (const segment of transcript.segments) {
    const end = Math.max(toMs(segment.end), toMs(segment.start));
    const span: [number, number] = [Math.min(Math.max(toMs(segment.start), cues.at(-1)?.end ?? 0), end), end];
    const words = timedWords(segment);
    cues.push(
      ...(words
        ? cuesFromWords(words, span, layout, segment.speaker)
        : cuesFromText(segment.text, span, layout).map((cue) => ({ ...cue, speaker: segment.speaker }))),
    );
  }
  return cues.map(({ start, end, lines, speaker }) => ({
    start: start / 1000,
    end: end / 1000,
    lines,
    ...(speaker !== undefined && { speaker }),
  }));
}

/** `HH:MM:SS,mmm` (SubRip) or `HH:MM:SS.mmm` (WebVTT). */
export function formatTimestamp(seconds: number, decimalMarker: ',' | '.'): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, size = 2) => String(value).padStart(size, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${decimalMarker}${pad(ms % 1000, 3)}`;
}

/** `[SPEAKER_00] ` before the text of a cue or line with a speaker (SRT, TXT); nothing without one. */
export function speakerPrefix(speaker: string | undefined): string {
  return speaker === undefined ? '' : `[${speaker}] `;
}

/**
 * `<v SPEAKER_00>` before the text of a WebVTT cue with a speaker (W3C WebVTT voice span; its end
 * tag may be left out when it holds the whole cue), with `&`, `<` and `>` in the name escaped.
 */
export function vttVoiceTag(speaker: string | undefined): string {
  if (speaker === undefined) return '';
  return `<v ${speaker.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}>`;
}

/**
 * Tab-separated values: start and end in integer milliseconds (as openai-whisper writes them) and the
 * text, with a `speaker` column before it when the transcript has `speakers`; tabs in values become spaces.
 */
function renderTsv(transcript: Transcript): string {
  const withSpeakers = transcript.speakers !== undefined;
  const rows = transcript.segments.map((s) =>
    [Math.round(s.start * 1000), Math.round(s.end * 1000), ...(withSpeakers ? [s.speaker ?? ''] : []), s.text]
      .map((value) => String(value).replace(/\t/g, ' '))
      .join('\t'),
  );
  return [withSpeakers ? 'start\tend\tspeaker\ttext' : 'start\tend\ttext', ...rows].map((row) => `${row}\n`).join('');
}

/**
 * Renders a transcript as SubRip (`srt`), WebVTT (`vtt`), plain text (`txt`, a segment per line),
 * tab-separated values (`tsv`, see {@link renderTsv}) or the transcript as JSON. With diarization
 * (segments with `speaker`), SRT cues and TXT lines start with `[SPEAKER_00] ` and WebVTT cues
 * with a voice span `<v SPEAKER_00>`; cues never mix speakers.
 */
export function renderSubtitles(transcript: Transcript, format: SubtitleFormat, options: LineOptions = {}): string {
  switch (format) {
    case 'srt':
      return toCues(transcript, options)
        .map(
          (cue, i) =>
            `${i + 1}\n${formatTimestamp(cue.start, ',')} --> ${formatTimestamp(cue.end, ',')}\n${speakerPrefix(cue.speaker)}${cue.lines.join('\n')}\n`,
        )
        .join('\n');
    case 'vtt':
      return `WEBVTT\n\n${toCues(transcript, options)
        .map(
          (cue) =>
            `${formatTimestamp(cue.start, '.')} --> ${formatTimestamp(cue.end, '.')}\n${vttVoiceTag(cue.speaker)}${cue.lines.join('\n')}\n`,
        )
        .join('\n')}`;
    case 'txt':
      return transcript.segments.map((segment) => `${speakerPrefix(segment.speaker)}${segment.text}\n`).join('');
    case 'tsv':
      return renderTsv(transcript);
    case 'json':
      return `${JSON.stringify(transcript)}\n`;
  }
}
