import type { SpeechChunk } from './transcript';

/**
 * Cuts a stream of 16 kHz mono Float32 samples into chunks for Whisper. `push()` as audio
 * arrives, `flush()` at the end; chunk starts are sample indexes from the first sample pushed.
 */
export interface Segmenter {
  push(samples: Float32Array): SpeechChunk[];
  flush(): SpeechChunk[];
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

  private emit(): SpeechChunk {
    const chunk = { start: this.position, samples: this.buffer.slice(0, this.length) };
    this.position += this.length;
    this.length = 0;
    return chunk;
  }
}

/**
 * Restricts another segmenter to time ranges (Whisper's `clip_timestamps`): samples outside the
 * ranges are dropped, each range is segmented on its own (a fresh inner segmenter, flushed at the
 * range's end), and chunk starts stay indexes into the whole stream.
 */
export class ClipSegmenter implements Segmenter {
  private position = 0;
  private index = 0;
  private inner: Segmenter | null = null;

  /**
   * @param clips ascending, non-overlapping [start, end) ranges in samples; `end` may be Infinity
   * @param create makes the segmenter for one range
   */
  constructor(
    private readonly clips: readonly [number, number][],
    private readonly create: () => Segmenter,
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
      this.inner ??= this.create();
      chunks.push(...this.shift(this.inner.push(samples.subarray(offset, offset + take)), start));
      offset += take;
      if (this.position + offset >= end) chunks.push(...this.closeClip());
    }
    this.position += samples.length;
    return chunks;
  }

  flush(): SpeechChunk[] {
    return this.inner ? this.closeClip() : [];
  }

  private closeClip(): SpeechChunk[] {
    const chunks = this.inner ? this.shift(this.inner.flush(), this.clips[this.index][0]) : [];
    this.inner = null;
    this.index++;
    return chunks;
  }

  private shift(chunks: SpeechChunk[], by: number): SpeechChunk[] {
    return chunks.map((chunk) => ({ start: chunk.start + by, samples: chunk.samples }));
  }
}
