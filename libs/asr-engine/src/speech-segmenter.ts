import { WHISPER_SAMPLE_RATE } from '@app/media';
import { Vad, type VadConfig } from 'sherpa-onnx-node';
import { AudioHistory } from './audio-history';
import { cutAtQuietPoints, MAX_CHUNK_SECONDS } from './segments';
import type { Segmenter } from './segmenter';
import type { SpeechChunk } from './transcript';

/**
 * Silero VAD settings, in seconds. Defaults (`DEFAULT_VAD_OPTIONS`) follow Silero's and
 * faster-whisper's `VadOptions` for the threshold, but keep chunks at speech pauses of 0.5 s (so
 * segment boundaries fall at pauses) and pad speech by 0.2 s.
 */
export interface VadOptions {
  /** Speech probability above which a window counts as speech (0–1). */
  threshold: number;
  /** Speech shorter than this is dropped. */
  minSpeechDuration: number;
  /** Silence at least this long ends a speech chunk. */
  minSilenceDuration: number;
  /** Speech longer than this is cut; capped at `MAX_CHUNK_SECONDS`. */
  maxSpeechDuration: number;
  /** Audio added before and after each chunk (never across a neighbouring chunk). */
  speechPad: number;
}

export const DEFAULT_VAD_OPTIONS: VadOptions = {
  threshold: 0.5,
  minSpeechDuration: 0.25,
  minSilenceDuration: 0.5,
  maxSpeechDuration: MAX_CHUNK_SECONDS,
  speechPad: 0.2,
};

/**
 * Makes the sherpa-onnx VAD (the Silero model loaded, its ring buffer of `bufferSeconds`): one per
 * `SpeechSegmenter`. The default is `new Vad(config, bufferSeconds)`.
 */
export type VadFactory = (config: VadConfig, bufferSeconds: number) => Vad;

const newVad: VadFactory = (config, bufferSeconds) => new Vad(config, bufferSeconds);

/** Samples per VAD window: Silero VAD's window at 16 kHz. */
export const VAD_WINDOW_SAMPLES = 512;
const WINDOW_SIZE = VAD_WINDOW_SAMPLES;
/** Audio kept for padding, in seconds: more than the longest chunk plus the longest pause. */
const HISTORY_SECONDS = 90;

/**
 * Cuts a stream of 16 kHz mono Float32 samples into speech chunks with Silero VAD (sherpa-onnx
 * `Vad`). Memory is bounded: one VAD window of unfed samples, the VAD's buffer and a fixed
 * history for padding. Chunks are padded, then cut at quiet points: none is longer than `MAX_CHUNK_SECONDS`.
 */
export class SpeechSegmenter implements Segmenter {
  private readonly vad: Vad;
  private readonly maxSamples: number;
  private readonly padSamples: number;
  /** End padding stays under half the minimum pause, so it never reaches the next chunk. */
  private readonly endPadSamples: number;
  private readonly history: AudioHistory;
  private pending = new Float32Array(WINDOW_SIZE);
  private pendingLength = 0;
  /** End (sample index) of the last chunk returned, so padding never overlaps it. */
  private lastEnd = 0;

  /**
   * @param modelPath Silero VAD ONNX file
   * @param sampleRate of the samples pushed (16 kHz, `WHISPER_SAMPLE_RATE`)
   * @param createVad makes the one VAD this segmenter holds (loads the model: tens of MB natively)
   */
  constructor(modelPath: string, options: VadOptions, sampleRate = WHISPER_SAMPLE_RATE, createVad = newVad) {
    this.history = new AudioHistory(HISTORY_SECONDS * sampleRate);
    const maxSpeechDuration = Math.min(options.maxSpeechDuration, MAX_CHUNK_SECONDS);
    this.maxSamples = Math.floor(maxSpeechDuration * sampleRate);
    this.padSamples = Math.round(options.speechPad * sampleRate);
    this.endPadSamples = Math.min(this.padSamples, Math.floor((options.minSilenceDuration * sampleRate) / 2));
    const { threshold, minSpeechDuration, minSilenceDuration } = options;
    this.vad = createVad(
      {
        sileroVad: {
          model: modelPath,
          threshold,
          minSpeechDuration,
          minSilenceDuration,
          maxSpeechDuration,
          windowSize: WINDOW_SIZE,
        },
        sampleRate,
        numThreads: 1,
        provider: 'cpu',
        debug: 0,
      },
      // The VAD's ring buffer must hold the longest chunk plus some lookahead.
      Math.ceil(maxSpeechDuration) + 30,
    );
  }

  /** Feeds samples; returns the speech chunks completed by them, in order. */
  push(samples: Float32Array): SpeechChunk[] {
    this.history.append(samples);
    let offset = 0;
    const chunks: SpeechChunk[] = [];
    while (offset < samples.length) {
      const take = Math.min(WINDOW_SIZE - this.pendingLength, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength === WINDOW_SIZE) {
        this.vad.acceptWaveform(this.pending);
        this.pendingLength = 0;
        chunks.push(...this.drain());
      }
    }
    return chunks;
  }

  /** Ends the stream: returns the speech still open at the end, if any. */
  flush(): SpeechChunk[] {
    if (this.pendingLength > 0) {
      this.vad.acceptWaveform(this.pending.slice(0, this.pendingLength));
      this.pendingLength = 0;
    }
    this.vad.flush();
    return this.drain();
  }

  /** Starts over as for a new stream: the same VAD (its model stays loaded), its state and buffers reset. */
  reset(): void {
    this.vad.reset();
    this.history.clear();
    this.pendingLength = 0;
    this.lastEnd = 0;
  }

  private drain(): SpeechChunk[] {
    const chunks: SpeechChunk[] = [];
    while (!this.vad.isEmpty()) {
      // enableExternalBuffer=false copies the samples out of the VAD before pop() frees them.
      const { start, samples } = this.vad.front(false);
      this.vad.pop();
      chunks.push(...cutAtQuietPoints(this.pad({ start, samples }), this.maxSamples));
    }
    return chunks;
  }

  /** Extends a chunk by the padding on both sides, within the audio already seen and after the previous chunk. */
  private pad(chunk: SpeechChunk): SpeechChunk {
    const end = chunk.start + chunk.samples.length;
    const from = Math.max(chunk.start - this.padSamples, this.lastEnd, this.history.start);
    const to = Math.max(end, Math.min(end + this.endPadSamples, this.history.end));
    this.lastEnd = to;
    if (from >= chunk.start && to === end) return chunk;
    const padded = new Float32Array(to - from);
    padded.set(this.history.slice(from, chunk.start));
    padded.set(chunk.samples, chunk.start - from);
    padded.set(this.history.slice(end, to), end - from);
    return { start: from, samples: padded };
  }
}
