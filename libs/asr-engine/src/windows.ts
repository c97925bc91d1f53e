import { quietestPoint } from './segments';
import type { SpeechChunk } from './transcript';

/** `length` samples of the file from `fileStart`, placed at `windowStart` in a window. Sample indexes. */
export interface TimeMapPiece {
  windowStart: number;
  fileStart: number;
  length: number;
}

/**
 * Speech regions packed into one decode window: their samples concatenated in order (Float32
 * mono at 16 kHz), the silence between them left out, and the time map from window to file.
 */
export interface Window {
  samples: Float32Array;
  pieces: TimeMapPiece[];
}

/**
 * Maps a time in a window (seconds) to the file (seconds). A time on the boundary of two pieces
 * is a start in the later piece and an end in the earlier one (faster-whisper's
 * `SpeechTimestampsMap.get_original_time(is_end=…)`), so a segment ending at a boundary ends
 * where its speech ends. Times outside the window are clamped to it.
 */
export function toFileTime(window: Window, seconds: number, edge: 'start' | 'end', sampleRate: number): number {
  const total = window.samples.length;
  const at = Math.min(Math.max(Math.round(seconds * sampleRate), 0), total);
  const pieces = window.pieces;
  const piece =
    edge === 'start'
      ? (pieces.find((p) => at < p.windowStart + p.length) ?? pieces[pieces.length - 1])
      : (pieces.find((p) => at <= p.windowStart + p.length && (at > p.windowStart || p.windowStart === 0)) ??
        pieces[0]);
  const inPiece = Math.min(Math.max(at - piece.windowStart, 0), piece.length);
  return (piece.fileStart + inPiece) / sampleRate;
}

/**
 * Packs speech regions, in order, into windows of at most `maxSamples`, leaving out the silence
 * between them, as faster-whisper's batched pipeline (`collect_chunks`) does: a region joins the
 * current window when it fits, else it starts the next one. `push()` regions as the VAD finds
 * them, `flush()` at the end. Each region must be at most `maxSamples` long (see
 * `cutAtQuietPoints`). Holds at most one window's regions.
 */
export class WindowPacker {
  private regions: SpeechChunk[] = [];
  private length = 0;

  constructor(private readonly maxSamples: number) {}

  /** @returns the window completed by this region, if any */
  push(region: SpeechChunk): Window[] {
    if (region.samples.length > this.maxSamples)
      throw new Error(`A speech region of ${region.samples.length} samples is longer than a window`);
    const done = this.length + region.samples.length > this.maxSamples ? this.flush() : [];
    this.regions.push(region);
    this.length += region.samples.length;
    return done;
  }

  /** @returns the window still open, if any */
  flush(): Window[] {
    if (this.regions.length === 0) return [];
    const window = packWindow(this.regions);
    this.regions = [];
    this.length = 0;
    return [window];
  }
}

/** Concatenates regions (ascending, not overlapping) into one window. */
export function packWindow(regions: readonly SpeechChunk[]): Window {
  const samples = new Float32Array(regions.reduce((sum, region) => sum + region.samples.length, 0));
  const pieces: TimeMapPiece[] = [];
  let at = 0;
  for (const region of regions) {
    samples.set(region.samples, at);
    pieces.push({ windowStart: at, fileStart: region.start, length: region.samples.length });
    at += region.samples.length;
  }
  return { samples, pieces };
}

/**
 * Splits a window in two halves for a second decode (the hallucination guard): at the boundary
 * of its pieces nearest the middle, or, for a single piece, at the quietest 20 ms within 2 s of
 * the middle.
 * @returns the two halves, or null when the window is too short to split (under 2 s at 16 kHz)
 */
export function splitWindow(window: Window): [Window, Window] | null {
  const total = window.samples.length;
  if (total < 32000) return null;
  const middle = total / 2;
  const boundaries = window.pieces.slice(1).map((piece) => piece.windowStart);
  const cut = boundaries.length
    ? boundaries.reduce((best, b) => (Math.abs(b - middle) < Math.abs(best - middle) ? b : best))
    : quietestPoint(window.samples, Math.round(middle - 16000), Math.round(middle + 16000));
  return [sliceWindow(window, 0, cut), sliceWindow(window, cut, total)];
}

/** The part [from, to) of a window (sample indexes of the window) as a window of its own. */
function sliceWindow(window: Window, from: number, to: number): Window {
  const regions = window.pieces
    .map((piece) => {
      const start = Math.max(piece.windowStart, from);
      const end = Math.min(piece.windowStart + piece.length, to);
      return { start: piece.fileStart + start - piece.windowStart, samples: window.samples.subarray(start, end) };
    })
    .filter((region) => region.samples.length > 0);
  return packWindow(regions);
}
