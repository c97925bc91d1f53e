/**
 * The most recent samples of a stream, addressed by absolute sample index: a fixed-size ring
 * buffer, so memory stays constant however long the stream is.
 */
export class AudioHistory {
  private readonly ring: Float32Array;
  /** Samples written so far (= absolute index one past the newest sample). */
  private written = 0;

  /** @param capacity samples kept (e.g. 60 s × 16000) */
  constructor(capacity: number) {
    this.ring = new Float32Array(capacity);
  }

  get end(): number {
    return this.written;
  }

  /** Index of the oldest sample still held. */
  get start(): number {
    return Math.max(0, this.written - this.ring.length);
  }

  append(samples: Float32Array): void {
    const data = samples.length > this.ring.length ? samples.subarray(samples.length - this.ring.length) : samples;
    this.written += samples.length - data.length;
    const at = this.written % this.ring.length;
    const first = Math.min(data.length, this.ring.length - at);
    this.ring.set(data.subarray(0, first), at);
    this.ring.set(data.subarray(first), 0);
    this.written += data.length;
  }

  /** Forgets every sample: the next one appended has index 0 (the buffer is kept). */
  clear(): void {
    this.written = 0;
  }

  /** Copies samples [from, to), clamped to what is held. */
  slice(from: number, to: number): Float32Array {
    const begin = Math.max(from, this.start);
    const finish = Math.min(to, this.end);
    const out = new Float32Array(Math.max(0, finish - begin));
    for (let i = 0; i < out.length; i++) out[i] = this.ring[(begin + i) % this.ring.length];
    return out;
  }
}
