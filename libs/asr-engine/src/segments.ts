import { UNSPACED_LANGUAGES } from './languages';
import type { Segment, SpeechChunk } from './transcript';

/**
 * Longest chunk sent to Whisper, in seconds. Whisper's window is 30 s and sherpa-onnx decodes
 * at most 2950 feature frames (29.5 s) of a stream, discarding the rest, so chunks stay below it.
 */
export const MAX_CHUNK_SECONDS = 29;

/** Frame over which loudness is measured when looking for a cut: 20 ms at 16 kHz. */
const QUIET_FRAME_SAMPLES = 320;
/** How far before the limit a cut may fall, in samples: 5 s at 16 kHz (never more than half the limit). */
const QUIET_SEARCH_SAMPLES = 5 * 16000;

/**
 * Index (from the start of `samples`) of the middle of the quietest 20 ms frame whose frames lie
 * in [from, to): lowest energy (sum of squares), the latest one on a tie.
 */
export function quietestPoint(samples: Float32Array, from: number, to: number): number {
  let best = to;
  let bestEnergy = Infinity;
  for (let frame = from; frame + QUIET_FRAME_SAMPLES <= to; frame += QUIET_FRAME_SAMPLES) {
    let energy = 0;
    for (let i = frame; i < frame + QUIET_FRAME_SAMPLES; i++) energy += samples[i] * samples[i];
    if (energy <= bestEnergy) {
      bestEnergy = energy;
      best = frame + QUIET_FRAME_SAMPLES / 2;
    }
  }
  return best;
}

/**
 * Cuts speech longer than `maxSamples` into consecutive pieces of at most `maxSamples`, each cut
 * at the quietest 20 ms frame of the last 5 s before the limit (a pause between words or breaths,
 * rather than mid-word; WhisperX cuts long VAD regions at their lowest speech probability the
 * same way). Pieces share the original buffer (no copy) and lose no sample.
 * @param chunk Float32 mono samples at 16 kHz
 */
export function cutAtQuietPoints(chunk: SpeechChunk, maxSamples: number): SpeechChunk[] {
  const pieces: SpeechChunk[] = [];
  const { samples } = chunk;
  let at = 0;
  while (samples.length - at > maxSamples) {
    const limit = at + maxSamples;
    const cut = quietestPoint(samples, limit - Math.min(QUIET_SEARCH_SAMPLES, Math.floor(maxSamples / 2)), limit);
    pieces.push({ start: chunk.start + at, samples: samples.subarray(at, cut) });
    at = cut;
  }
  pieces.push(at === 0 ? chunk : { start: chunk.start + at, samples: samples.subarray(at) });
  return pieces;
}

/** Rounds a time in seconds to milliseconds. */
export function roundTime(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/**
 * Joins segment texts into the transcript's text: with single spaces, or with none for
 * languages written without spaces (Chinese, Japanese, Thai, …).
 */
export function joinSegmentText(segments: readonly Segment[], language: string | null): string {
  const separator = language && UNSPACED_LANGUAGES.has(language) ? '' : ' ';
  return segments
    .map((segment) => segment.text)
    .filter(Boolean)
    .join(separator);
}

/** The scripts of {@link UNSPACED_LANGUAGES} (Unicode script names). */
const UNSPACED_SCRIPT =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

/**
 * What goes before a segment's text when it is appended to a transcript as it grows (a live
 * stream): nothing before the first text; else a space, as {@link joinSegmentText} joins — except
 * in a language written without spaces, or, while the language is not known (null), before a text
 * that starts in a script written without spaces (Han, Kana, Thai, …).
 */
export function separatorBefore(text: string, isFirst: boolean, language: string | null): string {
  if (isFirst) return '';
  if (language) return UNSPACED_LANGUAGES.has(language) ? '' : ' ';
  return UNSPACED_SCRIPT.test(text) ? '' : ' ';
}
