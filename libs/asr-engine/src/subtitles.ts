import { UNSPACED_LANGUAGES } from './languages';
import type { Transcript } from './transcript';

export const SUBTITLE_FORMATS = ['srt', 'vtt', 'txt', 'tsv', 'json'] as const;
export type SubtitleFormat = (typeof SUBTITLE_FORMATS)[number];

/** Line layout, as in openai-whisper's writers (`max_line_width` requires nothing else). */
export interface LineOptions {
  /** Characters per line; lines break at word boundaries (at characters for CJK and other unspaced scripts). */
  maxLineWidth?: number;
  /** Lines per cue; a segment with more lines becomes several cues. */
  maxLineCount?: number;
}

/** One subtitle cue. Times in seconds. */
export interface Cue {
  start: number;
  end: number;
  lines: string[];
}

/** Breaks text into lines of at most `width` characters (a longer single word keeps its own line). */
export function wrapText(text: string, width: number, unspaced: boolean): string[] {
  const tokens = unspaced ? Array.from(text.replace(/\s+/g, '')) : text.split(/\s+/).filter(Boolean);
  const separator = unspaced ? '' : ' ';
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    const candidate = line ? `${line}${separator}${token}` : token;
    if (line && Array.from(candidate).length > width) {
      lines.push(line);
      line = token;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Lays a transcript out as cues: one cue per segment, or, with `maxLineCount`, cues of at most that
 * many lines. The engine gives no word times, so a segment split into several cues shares its time
 * span among them in proportion to their characters.
 */
export function toCues(transcript: Transcript, options: LineOptions = {}): Cue[] {
  const unspaced = transcript.language !== null && UNSPACED_LANGUAGES.has(transcript.language);
  return transcript.segments.flatMap((segment) => {
    const lines = options.maxLineWidth ? wrapText(segment.text, options.maxLineWidth, unspaced) : [segment.text];
    const perCue = options.maxLineCount ?? lines.length;
    const groups: string[][] = [];
    for (let i = 0; i < lines.length; i += perCue) groups.push(lines.slice(i, i + perCue));
    const total = lines.reduce((sum, line) => sum + line.length, 0) || 1;
    let at = segment.start;
    return groups.map((group, index) => {
      const share = group.reduce((sum, line) => sum + line.length, 0) / total;
      const end =
        index === groups.length - 1
          ? segment.end
          : Math.round((at + share * (segment.end - segment.start)) * 1000) / 1000;
      const cue = { start: at, end, lines: group };
      at = end;
      return cue;
    });
  });
}

/** `HH:MM:SS,mmm` (SubRip) or `HH:MM:SS.mmm` (WebVTT). */
export function formatTimestamp(seconds: number, decimalMarker: ',' | '.'): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, size = 2) => String(value).padStart(size, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${decimalMarker}${pad(ms % 1000, 3)}`;
}

/**
 * Renders a transcript as SubRip (`srt`), WebVTT (`vtt`), plain text (`txt`, a segment per line),
 * tab-separated values (`tsv`: start and end in integer milliseconds, as openai-whisper writes
 * them) or the transcript as JSON.
 */
export function renderSubtitles(transcript: Transcript, format: SubtitleFormat, options: LineOptions = {}): string {
  switch (format) {
    case 'srt':
      return toCues(transcript, options)
        .map(
          (cue, i) =>
            `${i + 1}\n${formatTimestamp(cue.start, ',')} --> ${formatTimestamp(cue.end, ',')}\n${cue.lines.join('\n')}\n`,
        )
        .join('\n');
    case 'vtt':
      return `WEBVTT\n\n${toCues(transcript, options)
        .map(
          (cue) => `${formatTimestamp(cue.start, '.')} --> ${formatTimestamp(cue.end, '.')}\n${cue.lines.join('\n')}\n`,
        )
        .join('\n')}`;
    case 'txt':
      return transcript.segments.map((segment) => `${segment.text}\n`).join('');
    case 'tsv':
      return `start\tend\ttext\n${transcript.segments.map((s) => `${Math.round(s.start * 1000)}\t${Math.round(s.end * 1000)}\t${s.text.replace(/\t/g, ' ')}\n`).join('')}`;
    case 'json':
      return `${JSON.stringify(transcript)}\n`;
  }
}
