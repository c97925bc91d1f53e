import { UNSPACED_LANGUAGES } from './languages';
import type { Segment, SpeechChunk } from './transcript';

/**
 * Longest chunk sent to Whisper, in seconds. Whisper's window is 30 s and sherpa-onnx decodes
 * at most 2950 feature frames (29.5 s) of a stream, discarding the rest, so chunks stay below it.
 */
export const MAX_CHUNK_SECONDS = 29;

/**
 * Splits a speech chunk longer than `maxSamples` into equal consecutive pieces, none longer
 * than `maxSamples`, so long speech without pauses is decoded in full instead of truncated.
 * Pieces share the original buffer (no copy).
 */
export function splitSpeech(chunk: SpeechChunk, maxSamples: number): SpeechChunk[] {
  const count = Math.ceil(chunk.samples.length / maxSamples);
  if (count <= 1) return [chunk];
  const size = Math.ceil(chunk.samples.length / count);
  return Array.from({ length: count }, (_, i) => ({
    start: chunk.start + i * size,
    samples: chunk.samples.subarray(i * size, Math.min((i + 1) * size, chunk.samples.length)),
  }));
}

/** Rounds a time in seconds to milliseconds. */
export function roundTime(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/**
 * Builds the segment of a decoded chunk.
 * @param id position in the transcript
 * @param sampleRate of `chunk` (16000)
 * @param text Whisper's text for the chunk; surrounding whitespace is trimmed
 */
export function chunkToSegment(id: number, chunk: SpeechChunk, sampleRate: number, text: string): Segment {
  return {
    id,
    start: roundTime(chunk.start / sampleRate),
    end: roundTime((chunk.start + chunk.samples.length) / sampleRate),
    text: text.trim(),
  };
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
