import type { SpeechChunk } from './transcript';

/**
 * Cuts a stream of 16 kHz mono Float32 samples into chunks for Whisper. `push()` as audio
 * arrives, `flush()` at the end; chunk starts are sample indexes from the first sample pushed.
 */
export interface Segmenter {
  push(samples: Float32Array): SpeechChunk[];
  flush(): SpeechChunk[];
  /** Starts over as for a new stream (after `flush()`): nothing is kept, chunk starts count from 0 again. */
  reset(): void;
}

/**
 * Fixed windows of `windowSamples` with no voice detection (`vad_filter=false`): the audio is cut
 * every window, silence included. Holds at most one window.
 */
export class FixedWindowSegmenter implements Segmenter {
  private buffer: Float32Array;
  private length = 0;
  private position = 0;

  constructor(private readonly windowSamples: number) {
    this.buffer = new Float32Array(windowSamples);
  }

  push(samples: Float32Array): SpeechChunk[] {
    const chunks: SpeechChunk[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.windowSamples - this.length, samples.length - offset);
      this.buffer.set(samples.subarray(offset, offset + take), this.length);
      this.length += take;
      offset += take;
      if (this.length === this.windowSamples) chunks.push(this.emit());
    }
    return chunks;
  }

  flush(): SpeechChunk[] {
    return this.length > 0 ? [this.emit()] : [];
  }

  reset(): void {
    this.length = 0;
    this.position = 0;
  }

  private emit(): SpeechChunk {
    const chunk = { start: this.position, samples: this.buffer.slice(0, this.length) };
    this.position += this.length;
    this.length = 0;
    return chunk;
  }
}

/**
 * Restricts another segmenter to time ranges (Whisper's `clip_timestamps`): samples outside the
 * ranges are dropped, each range is segmented on its own (the one inner segmenter is flushed at
 * the range's end and reset before the next, so however many ranges there are, one segmenter, and
 * one VAD, serves them all), and chunk starts stay indexes into the whole stream.
 */
export class ClipSegmenter implements Segmenter {
  private position = 0;
  private index = 0;
  /** The inner segmenter has been given samples of the current range. */
  private open = false;

  /**
   * @param clips ascending, non-overlapping [start, end) ranges in samples; `end` may be Infinity
   * @param inner segments each range, reset between ranges
   */
  constructor(
    private readonly clips: readonly [number, number][],
    private readonly inner: Segmenter,
  ) {}

  push(samples: Float32Array): SpeechChunk[] {
    const chunks: SpeechChunk[] = [];
    let offset = 0;
    while (offset < samples.length && this.index < this.clips.length) {
      const [start, end] = this.clips[this.index];
      const at = this.position + offset;
      if (at < start) {
        offset += Math.min(start - at, samples.length - offset);
        continue;
      }
      const take = Math.min(end - at, samples.length - offset);
      this.open = true;
      chunks.push(...this.shift(this.inner.push(samples.subarray(offset, offset + take)), start));
      offset += take;
      if (this.position + offset >= end) chunks.push(...this.closeClip());
    }
    this.position += samples.length;
    return chunks;
  }

  flush(): SpeechChunk[] {
    return this.open ? this.closeClip() : [];
  }

  reset(): void {
    this.inner.reset();
    this.position = 0;
    this.index = 0;
    this.open = false;
  }

  private closeClip(): SpeechChunk[] {
    const chunks = this.shift(this.inner.flush(), this.clips[this.index][0]);
    this.inner.reset();
    this.open = false;
    this.index++;
    return chunks;
  }

  private shift(chunks: SpeechChunk[], by: number): SpeechChunk[] {
    return chunks.map((chunk) => ({ start: chunk.start + by, samples: chunk.samples }));
  }
}
