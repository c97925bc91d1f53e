import { Vad } from 'sherpa-onnx-node';
import { MAX_CHUNK_SECONDS, splitSpeech } from './segments';
import type { SpeechChunk } from './transcript';

/** Silero VAD settings. Defaults are faster-whisper's `VadOptions` except `maxSpeechDuration`. */
export interface VadOptions {
  /** Speech probability above which a window counts as speech (0–1). */
  threshold: number;
  /** Speech shorter than this is dropped, in seconds. */
  minSpeechDuration: number;
  /** Silence at least this long ends a speech chunk, in seconds. */
  minSilenceDuration: number;
  /** Speech longer than this is cut, in seconds; capped at `MAX_CHUNK_SECONDS`. */
  maxSpeechDuration: number;
}

export const DEFAULT_VAD_OPTIONS: VadOptions = {
  threshold: 0.5,
  minSpeechDuration: 0.25,
  minSilenceDuration: 0.5,
  maxSpeechDuration: MAX_CHUNK_SECONDS,
};

/** Samples per VAD window: Silero VAD's window at 16 kHz. */
const WINDOW_SIZE = 512;

/**
 * Cuts a stream of 16 kHz mono Float32 samples into speech chunks with Silero VAD (sherpa-onnx
 * `Vad`). Feed it with `push()` as audio arrives and call `flush()` at the end. It holds at most
 * one window of unfed samples plus the VAD's own buffer, so memory does not grow with the stream.
 * No chunk is longer than `MAX_CHUNK_SECONDS`.
 */
export class SpeechSegmenter {
  private readonly vad: Vad;
  private readonly maxSamples: number;
  private pending = new Float32Array(WINDOW_SIZE);
  private pendingLength = 0;

  /**
   * @param modelPath Silero VAD ONNX file
   * @param sampleRate of the samples pushed (16000)
   */
  constructor(modelPath: string, options: VadOptions, private readonly sampleRate = 16000) {
    const maxSpeechDuration = Math.min(options.maxSpeechDuration, MAX_CHUNK_SECONDS);
    this.maxSamples = Math.floor(maxSpeechDuration * sampleRate);
    this.vad = new Vad(
      {
        sileroVad: { model: modelPath, ...options, maxSpeechDuration, windowSize: WINDOW_SIZE },
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

  private drain(): SpeechChunk[] {
    const chunks: SpeechChunk[] = [];
    while (!this.vad.isEmpty()) {
      // enableExternalBuffer=false copies the samples out of the VAD before pop() frees them.
      const { start, samples } = this.vad.front(false);
      this.vad.pop();
      chunks.push(...splitSpeech({ start, samples }, this.maxSamples));
    }
    return chunks;
  }
}
