import { deflateSync } from 'node:zlib';
import type { Segment } from '../../transcript';

/**
 * openai-whisper's `compression_ratio()` (`whisper/utils.py`): the text's UTF-8 bytes ÷ its
 * zlib-compressed bytes (`zlib.deflateSync` at the default level, as Python's `zlib.compress`),
 * rounded to 3 decimals; 0 for empty text. Text that loops compresses well: openai-whisper
 * takes a ratio above 2.4 (`compression_ratio_threshold`) for a repetition loop.
 */
export function compressionRatio(text: string): number {
  if (!text) return 0;
  const bytes = Buffer.from(text, 'utf8');
  return Math.round((bytes.length / deflateSync(bytes).length) * 1000) / 1000;
}

/**
 * Drops the repeated tail of a decode whose text loops ("I'm here. I'm here. I'm here. …"),
 * keeping one copy of the repeated unit (see {@link repeatedTailStart}). The segment texts are
 * searched joined with one space. Segments entirely in the tail are removed; the segment where the
 * cut falls gets its text cut (trailing spaces trimmed), its words cut (those wholly within the
 * kept text, counted in non-space characters), its end moved to its last kept word's end when it
 * keeps words, and `repetition_removed: true`. When the cut falls on a segment's start, that
 * segment goes and the last kept segment is flagged, unchanged otherwise. Returns `segments`
 * itself when no repeated tail is found.
 */
export function dropRepeatedTail(segments: Segment[]): Segment[] {
  const offsets: number[] = [];
  let joined = '';
  segments.forEach((segment, i) => {
    if (i > 0) joined += ' ';
    offsets.push(joined.length);
    joined += segment.text;
  });
  const cut = repeatedTailStart(joined);
  if (cut === null) return segments;
  let k = segments.length - 1;
  while (k > 0 && offsets[k] > cut) k--;
  const segment = segments[k];
  const text = segment.text.slice(0, cut - offsets[k]).trimEnd();
  if (!text) {
    const kept = segments.slice(0, k);
    if (kept.length > 0) kept[k - 1] = { ...kept[k - 1], repetition_removed: true };
    return kept;
  }
  const cutSegment: Segment = { ...segment, text, repetition_removed: true };
  if (segment.words) {
    const words = wordsWithin(segment.words, nonSpaceLength(text));
    cutSegment.words = words;
    if (words.length > 0) cutSegment.end = words[words.length - 1].end;
  }
  return [...segments.slice(0, k), cutSegment];
}

/** The first words whose non-space characters add up to at most `length`. */
function wordsWithin<T extends { word: string }>(words: T[], length: number): T[] {
  let total = 0;
  let count = 0;
  while (count < words.length && total + nonSpaceLength(words[count].word) <= length) {
    total += nonSpaceLength(words[count].word);
    count++;
  }
  return words.slice(0, count);
}

function nonSpaceLength(text: string): number {
  return text.replace(/\s+/gu, '').length;
}

/** A word of the text (or a character, for scripts written without spaces) and where it lies. */
interface Item {
  /** Compared form: lowercase, without punctuation. */
  key: string;
  text: string;
  /** Character index (UTF-16) of its first character in the text. */
  start: number;
}

/** Scripts written without spaces between words: each character counts as a word. */
const UNSPACED =
  /^[\p{Script=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The words of a text: runs of non-space characters, except that each character (grapheme
 * cluster) of a script written without spaces (Chinese, Japanese, Thai, …) is a word of its own.
 */
function itemsOf(text: string): Item[] {
  const items: Item[] = [];
  let current: Item | null = null;
  for (const { segment, index } of graphemes.segment(text)) {
    if (/^\s/u.test(segment)) {
      current = null;
    } else if (UNSPACED.test(segment) && !/^[\p{P}\p{M}]/u.test(segment)) {
      items.push({ key: segment, text: segment, start: index });
      current = null;
    } else if (current) {
      current.text += segment;
    } else {
      current = { key: '', text: segment, start: index };
      items.push(current);
    }
  }
  for (const item of items) item.key = item.text.toLowerCase().replace(/\p{P}/gu, '');
  return items;
}

/** Ends with punctuation that closes a phrase (full stop, comma, closing bracket or quote, …). */
const PHRASE_END = /[\p{Po}\p{Pe}\p{Pf}]$/u;

/**
 * Where the redundant repetition at the end of `text` starts (a character index, so that
 * `text.slice(0, index).trimEnd()` keeps one copy of the repeated unit), or null when the text
 * does not end in a loop. The text is cut into words (see {@link itemsOf}; compared ignoring case
 * and punctuation); a loop is a unit of u words (1 ≤ u ≤ n/2 of the n words) repeated at least 3
 * times in a row up to the end of the text, the last copy possibly cut short. Of all loops, the
 * one that removes the most words wins (the shortest unit on a tie). Where the copies start is
 * ambiguous inside a periodic tail ("here. I'm" is a unit of "I'm here. I'm here. I'm here."
 * too), so the kept copy is chosen to end on punctuation that closes a phrase if one can,
 * and otherwise starts as early as possible.
 *
 * The guard itself is openai-whisper's (`compression_ratio_threshold`, `whisper/transcribe.py`),
 * which only retries at a higher temperature; cutting the loop is this engine's own remedy.
 */
export function repeatedTailStart(text: string): number | null {
  const items = itemsOf(text);
  const n = items.length;
  let best: { cut: number; removed: number } | null = null;
  for (let unit = 1; unit * 3 <= n; unit++) {
    let from = n - unit;
    while (from > 0 && items[from - 1].key === items[from - 1 + unit].key) from--;
    const lastPhase = Math.min(from + unit - 1, n - 3 * unit);
    if (lastPhase < from) continue;
    let phase = from;
    for (let p = from; p <= lastPhase; p++) {
      if (PHRASE_END.test(items[p + unit - 1].text)) {
        phase = p;
        break;
      }
    }
    const cut = phase + unit;
    if (!best || n - cut > best.removed) best = { cut, removed: n - cut };
  }
  return best ? items[best.cut].start : null;
}
