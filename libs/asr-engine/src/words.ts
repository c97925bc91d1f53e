import { roundTime } from './segments';
import type { Word } from './transcript';

/**
 * One text token of a sherpa-onnx Whisper decode with token timestamps: the token string as
 * sherpa-onnx writes it (`tokens[i]`) and its time, in seconds from the start of the decoded
 * samples (`start = timestamps[i]`, `end = start + durations[i]`).
 */
export interface TimedToken {
  text: string;
  start: number;
  end: number;
}

/** Whisper's `prepend_punctuations` / `append_punctuations`: each a string of single characters. */
export interface PunctuationOptions {
  prepend: string;
  append: string;
}

/**
 * Words of each segment of one decode: `result[i]` are the words of `segmentTexts[i]`, in order.
 *
 * `segmentTexts` are the segment texts as Whisper wrote them (leading spaces included) and
 * `tokens` all the decode's text tokens in order. The tokens are placed on the UTF-8 bytes of the
 * concatenated texts (see {@link alignTokens}), cut at the segments' byte boundaries (a token
 * spanning two segments goes to the first), merged into units that end on a character boundary
 * (openai-whisper `split_tokens_on_unicode`, `whisper/tokenizer.py`), grouped into words
 * (`split_tokens_on_spaces`) and their punctuation attached (`merge_punctuations`,
 * `whisper/timing.py`). Word texts come from the segment text itself, so the words of a segment
 * reproduce it (spaces aside) even where a token could not be placed; a word lasts from its first
 * token's start to its last token's end (seconds, unrounded: see {@link fitWords}).
 *
 * Chinese and Japanese (Han, Hiragana, Katakana) and Thai characters are words of their own, like
 * openai-whisper's unicode split for zh/ja/th: a unit of several of them is cut into characters
 * (grapheme clusters) that share the unit's time equally.
 *
 * With no placeable token at all every segment gets no words; a segment none of whose tokens
 * could be placed gets words spread over the gap between its neighbours' tokens.
 */
export function wordsOfSegments(
  segmentTexts: string[],
  tokens: TimedToken[],
  punctuation: PunctuationOptions,
): Word[][] {
  const texts = segmentTexts.map((text) => Buffer.from(text, 'utf8'));
  const bytes = Buffer.concat(texts);
  const placed = alignTokens(bytes, tokens);
  if (placed.length === 0) return segmentTexts.map(() => []);
  const words: Word[][] = [];
  let segmentFrom = 0;
  let next = 0;
  for (const text of texts) {
    const segmentTo = segmentFrom + text.length;
    const first = next;
    while (next < placed.length && placed[next].from < segmentTo) next++;
    let own = placed.slice(first, next);
    if (own.length === 0 && segmentTo > segmentFrom) {
      const start = first > 0 ? placed[first - 1].end : placed[first].start;
      const end = Math.max(start, first < placed.length ? placed[first].start : start);
      own = [{ from: segmentFrom, to: segmentTo, start, end }];
    }
    const units = unitsOf(bytes, segmentFrom, segmentTo, own);
    words.push(mergePunctuation(wordsOfUnits(units), punctuation));
    segmentFrom = segmentTo;
  }
  return words;
}

/**
 * Fits words into their segment: makes them monotonic (each starts no earlier than the previous
 * one ends, and ends no earlier than it starts) and keeps them within [start, end] by clamping;
 * times are seconds, rounded to milliseconds. Texts and order are kept.
 */
export function fitWords(words: Word[], start: number, end: number): Word[] {
  const last = Math.max(start, end);
  let previous = start;
  return words.map((word) => {
    const wordStart = clamp(word.start, previous, last);
    const wordEnd = clamp(word.end, wordStart, last);
    previous = wordEnd;
    return { word: word.word, start: roundTime(wordStart), end: roundTime(wordEnd) };
  });
}

/** `value` within [low, high]; NaN becomes `low`. */
function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(Number.isNaN(value) ? low : value, low), high);
}

/** A token placed on the text: it covers bytes [from, to) and lasts [start, end] (seconds). */
interface PlacedToken {
  from: number;
  to: number;
  start: number;
  end: number;
}

/**
 * What a sherpa-onnx token string says about its bytes (sherpa-onnx `offline-stream.cc`,
 * `OfflineRecognitionResult::AsJsonString`): a single byte above 0x7F is written `<0xNN>`;
 * other tokens are written raw, so the bytes of a partial multi-byte UTF-8 sequence reach
 * JavaScript as U+FFFD (the JSON text is decoded as UTF-8 with replacement) and are lost.
 */
type TokenForm =
  | { kind: 'empty' }
  | { kind: 'byte'; byte: number; literal: Buffer }
  | { kind: 'text'; bytes: Buffer; unspaced: Buffer | null }
  | { kind: 'partial'; text: string; maxLength: number };

const BYTE_TOKEN = /^<0x([0-9A-F]{2})>$/;
const REPLACEMENT = '\uFFFD';
/** How far ahead (bytes) a token that does not match at the cursor is looked for. */
const RESYNC_BYTES = 64;
/** How many following tokens are checked when deciding where a token ends. */
const MAX_LOOKAHEAD = 4;

/** Decodes UTF-8 as V8 does for the JSON text: invalid sequences become U+FFFD (maximal subparts). */
const utf8 = new TextDecoder('utf-8');

function formOf(text: string): TokenForm {
  if (text === '') return { kind: 'empty' };
  const byte = BYTE_TOKEN.exec(text);
  if (byte) return { kind: 'byte', byte: parseInt(byte[1], 16), literal: Buffer.from(text, 'utf8') };
  if (text.includes(REPLACEMENT)) return { kind: 'partial', text, maxLength: Buffer.byteLength(text, 'utf8') };
  const unspaced = text.trimStart();
  return {
    kind: 'text',
    bytes: Buffer.from(text, 'utf8'),
    unspaced: unspaced && unspaced !== text ? Buffer.from(unspaced, 'utf8') : null,
  };
}

/**
 * Places the tokens on `bytes` (the UTF-8 of the concatenated segment texts) with a byte cursor:
 * a `<0xNN>` token is that one byte; a text token is its UTF-8 bytes, matched at the cursor (or
 * without its leading spaces, or up to {@link RESYNC_BYTES} further when the next token matches
 * right after it); a token with U+FFFD in it covers the bytes that decode back to its string and
 * let the next token match, else up to where the next known token matches (at least 1 byte).
 * Tokens that cannot be placed are left out. Returns the placed tokens in order, non-overlapping.
 */
function alignTokens(bytes: Uint8Array, tokens: TimedToken[]): PlacedToken[] {
  const forms = tokens.map((token) => formOf(token.text));
  const placed: PlacedToken[] = [];
  let cursor = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (forms[i].kind === 'empty') continue;
    let at = cursor;
    let length = lengthAt(bytes, at, forms, i, 0);
    if (length === null && forms[i].kind !== 'partial') {
      for (at = cursor + 1; at < Math.min(bytes.length, cursor + RESYNC_BYTES + 1); at++) {
        length = lengthAt(bytes, at, forms, i, 0);
        if (length !== null && fits(bytes, at + length, forms, i + 1, 1)) break;
        length = null;
      }
    }
    if (length === null) continue;
    placed.push({ from: at, to: at + length, start: tokens[i].start, end: tokens[i].end });
    cursor = at + length;
  }
  return placed;
}

/** The number of bytes token `i` covers when placed at `at`, or null when it does not fit there. */
function lengthAt(bytes: Uint8Array, at: number, forms: TokenForm[], i: number, depth: number): number | null {
  const form = forms[i];
  switch (form.kind) {
    case 'empty':
      return 0;
    case 'byte':
      if (bytes[at] === form.byte) return 1;
      return matchesAt(bytes, at, form.literal) ? form.literal.length : null;
    case 'text':
      if (matchesAt(bytes, at, form.bytes)) return form.bytes.length;
      return form.unspaced && matchesAt(bytes, at, form.unspaced) ? form.unspaced.length : null;
    case 'partial':
      return partialLengthAt(bytes, at, forms, i, depth);
  }
}

/**
 * Bytes covered by a token whose string has U+FFFD in it. First choice: the shortest run of at
 * least 2 bytes (a 1-byte token would have been written `<0xNN>`) that decodes to exactly the
 * token's string and after which the next token fits. Otherwise (only for the token being placed,
 * `depth` 0): the bytes up to where the next known token matches, leaving a byte for each
 * U+FFFD token before it; with no known token after it, the rest of the current character.
 */
function partialLengthAt(bytes: Uint8Array, at: number, forms: TokenForm[], i: number, depth: number): number | null {
  const form = forms[i] as Extract<TokenForm, { kind: 'partial' }>;
  const longest = Math.min(form.maxLength, bytes.length - at);
  for (let length = 2; length <= longest; length++) {
    if (utf8.decode(bytes.subarray(at, at + length)) !== form.text) continue;
    if (fits(bytes, at + length, forms, i + 1, depth + 1)) return length;
  }
  if (depth > 0 || at >= bytes.length) return null;
  let known = i + 1;
  while (known < forms.length && (forms[known].kind === 'partial' || forms[known].kind === 'empty')) known++;
  if (known === forms.length) {
    let end = at + 1;
    while (end < bytes.length && isContinuation(bytes[end])) end++;
    return end - at;
  }
  const between = forms.slice(i + 1, known).filter((f) => f.kind === 'partial').length;
  for (let p = at + 1 + between; p < bytes.length; p++) {
    if (lengthAt(bytes, p, forms, known, depth + 1) !== null) return p - at - between;
  }
  return null;
}

/** Whether token `j` (or the first non-empty one after it) can be placed at `at`; true past the last. */
function fits(bytes: Uint8Array, at: number, forms: TokenForm[], j: number, depth: number): boolean {
  while (j < forms.length && forms[j].kind === 'empty') j++;
  if (j >= forms.length || depth >= MAX_LOOKAHEAD) return true;
  return lengthAt(bytes, at, forms, j, depth) !== null;
}

function matchesAt(bytes: Uint8Array, at: number, pattern: Uint8Array): boolean {
  if (at + pattern.length > bytes.length) return false;
  for (let k = 0; k < pattern.length; k++) if (bytes[at + k] !== pattern[k]) return false;
  return true;
}

/** A UTF-8 continuation byte (10xxxxxx): not the start of a character. */
function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/** Text with a time span: a unit (tokens ending on a character boundary), a piece of one, or a word. */
interface TimedText {
  text: string;
  start: number;
  end: number;
}

/**
 * Merges a segment's tokens into units that end on a UTF-8 character boundary (openai-whisper
 * `split_tokens_on_unicode`). The segment's bytes are [segmentFrom, segmentTo); each token is
 * stretched to the next one's start (the first back to the segment's start, the last to its
 * end), so bytes no token was placed on still belong to a unit. A unit's time is from its first
 * token's start to its last token's end.
 */
function unitsOf(bytes: Uint8Array, segmentFrom: number, segmentTo: number, tokens: PlacedToken[]): TimedText[] {
  const units: TimedText[] = [];
  let unitFrom = segmentFrom;
  let unitStart: number | null = null;
  tokens.forEach((token, m) => {
    unitStart ??= token.start;
    const to = m === tokens.length - 1 ? segmentTo : Math.min(tokens[m + 1].from, segmentTo);
    if (to < segmentTo && isContinuation(bytes[to])) return;
    units.push({ text: utf8.decode(bytes.subarray(unitFrom, to)), start: unitStart, end: token.end });
    unitFrom = to;
    unitStart = null;
  });
  return units;
}

/** A piece of a unit, with whether it is a character that is a word of its own. */
interface Piece extends TimedText {
  solo: boolean;
}

/** Characters that are words of their own: Chinese and Japanese (Han, Hiragana, Katakana) and Thai. */
const SOLO = /^[\p{Script=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}\p{Script=Thai}]/u;
const PUNCTUATION_ONLY = /^[\p{P}\p{S}]+$/u;
const MARK_FIRST = /^\p{M}/u;
const SPACE_FIRST = /^\s/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Whether a grapheme is a character that is a word of its own (not punctuation, not a lone mark). */
function isSolo(grapheme: string): boolean {
  return SOLO.test(grapheme) && !PUNCTUATION_ONLY.test(grapheme) && !MARK_FIRST.test(grapheme);
}

/**
 * Cuts a unit where a word may start inside it: before each solo character (see {@link SOLO}) and
 * after it, and before whitespace that follows other text (only stretched tokens have any). Leading
 * whitespace stays with the first piece. The pieces share the unit's time equally.
 */
function piecesOf(unit: TimedText): Piece[] {
  const texts: { text: string; solo: boolean }[] = [];
  for (const { segment } of graphemes.segment(unit.text)) {
    const space = /^\s+$/u.test(segment);
    const solo = isSolo(segment);
    const current = texts.at(-1);
    const cut =
      current !== undefined &&
      current.text.trim() !== '' &&
      (space ? !/\s$/u.test(current.text) : solo || current.solo);
    if (current === undefined || cut) {
      texts.push({ text: segment, solo });
    } else {
      current.text += segment;
      current.solo ||= solo;
    }
  }
  const share = (unit.end - unit.start) / Math.max(texts.length, 1);
  return texts.map((piece, q) => ({
    ...piece,
    start: unit.start + share * q,
    end: q === texts.length - 1 ? unit.end : unit.start + share * (q + 1),
  }));
}

/**
 * Groups units into words (openai-whisper `split_tokens_on_spaces`, `whisper/tokenizer.py`): a
 * piece that starts with a space, is only punctuation, is a solo character or follows one starts
 * a new word; any other piece (and a lone combining mark) joins the previous word. Word texts keep
 * their leading space until {@link mergePunctuation}.
 */
function wordsOfUnits(units: TimedText[]): TimedText[] {
  const words: TimedText[] = [];
  let previousSolo = false;
  for (const piece of units.flatMap(piecesOf)) {
    const trimmed = piece.text.trim();
    const last = words.at(-1);
    const joins =
      last !== undefined &&
      !SPACE_FIRST.test(piece.text) &&
      (MARK_FIRST.test(piece.text) || (!piece.solo && !previousSolo && !PUNCTUATION_ONLY.test(trimmed)));
    if (joins) {
      last.text += piece.text;
      last.end = piece.end;
    } else {
      words.push({ text: piece.text, start: piece.start, end: piece.end });
    }
    previousSolo = piece.solo;
  }
  return words;
}

/** Whether `text` is not empty and made only of characters of `set`. */
function onlyOf(text: string, set: string): boolean {
  return text !== '' && Array.from(text).every((char) => set.includes(char));
}

/**
 * Attaches punctuation words to their neighbours (openai-whisper `merge_punctuations`,
 * `whisper/timing.py`), then trims the words and drops empty ones. Going backwards, a word made
 * only of prepend punctuation joins the following word when it starts with a space, is the
 * segment's first word, or is not also append punctuation (a `"` right after a word closes it);
 * then, going forwards, a word made only of append punctuation, without a leading space, joins
 * the previous word. As in openai-whisper, the merged word keeps the times of the word the
 * punctuation joined: the punctuation's own token times are dropped.
 */
function mergePunctuation(units: TimedText[], punctuation: PunctuationOptions): Word[] {
  const words = units.filter((word) => word.text.trim() !== '').map((word) => ({ ...word }));
  for (let i = words.length - 2, j = words.length - 1; i >= 0; i--) {
    const trimmed = words[i].text.trim();
    const opening = SPACE_FIRST.test(words[i].text) || i === 0 || !onlyOf(trimmed, punctuation.append);
    if (onlyOf(trimmed, punctuation.prepend) && opening) {
      words[j].text = words[i].text + words[j].text;
      words[i].text = '';
    } else {
      j = i;
    }
  }
  for (let i = 0, j = 1; j < words.length; j++) {
    const following = words[j].text;
    if (words[i].text !== '' && !SPACE_FIRST.test(following) && onlyOf(following, punctuation.append)) {
      words[i].text += following;
      words[j].text = '';
    } else if (following !== '') {
      i = j;
    }
  }
  return words
    .map((word) => ({ word: word.text.trim(), start: word.start, end: word.end }))
    .filter((word) => word.word !== '');
}
