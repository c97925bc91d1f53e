import { HarkError } from '@app/errors';
import { WHISPER_SAMPLE_RATE } from '@app/media';

/** Samples of the first chunk: 1 s at 16 kHz. */
const FIRST_CHUNK_SAMPLES = WHISPER_SAMPLE_RATE;
/** Largest chunk: 60 s at 16 kHz (1.9 MB), which bounds the memory reserved but not yet used. */
const MAX_CHUNK_SAMPLES = 60 * WHISPER_SAMPLE_RATE;
/** Int16 full scale: a sample `s` is stored as round(s × 32768), clamped to [-32768, 32767]. */
export const PCM16_SCALE = 32768;

/**
 * The audio is longer than a {@link PcmRecorder} may hold (DIARIZATION_MAX_SECONDS). Not worth
 * retrying: the same file is as long next time. `maxSeconds` is the cap.
 */
export class RecordingTooLongError extends HarkError {
  constructor(readonly maxSeconds: number) {
    super(
      'too_long',
      `The audio is longer than DIARIZATION_MAX_SECONDS (${maxSeconds} s, ${formatDuration(maxSeconds)}) allows for ` +
        'speaker diarization, which holds the whole file in memory (115 MB per hour). Diarize a shorter file, ' +
        'transcribe it without diarize, or raise DIARIZATION_MAX_SECONDS.',
      false,
    );
    this.name = 'RecordingTooLongError';
  }
}

/**
 * Keeps the samples of a stream (Float32 mono 16 kHz, as decoded for Whisper) for a second pass
 * over the whole file, such as speaker diarization: as 16-bit integers, 2 bytes per sample
 * (115 MB per hour), in chunks that grow from 1 s to 60 s, so appending never copies what was
 * recorded and at most one chunk (≤ 1.9 MB) is reserved beyond the samples. Capped at `maxSeconds`.
 */
export class PcmRecorder {
  private readonly chunks: Int16Array[] = [];
  /** Samples used in the last chunk. */
  private filled = 0;
  private total = 0;
  /** Samples of all chunks together. */
  private allocated = 0;
  private readonly maxSamples: number;

  /**
   * @param maxSeconds the most audio kept (DIARIZATION_MAX_SECONDS), in seconds at 16 kHz
   * @throws RangeError when `maxSeconds` is not a positive number
   */
  constructor(readonly maxSeconds: number) {
    if (!(maxSeconds > 0 && Number.isFinite(maxSeconds)))
      throw new RangeError(`maxSeconds must be a positive number, not ${maxSeconds}`);
    this.maxSamples = Math.floor(maxSeconds * WHISPER_SAMPLE_RATE);
  }

  /** Seconds recorded (samples / 16000). */
  get seconds(): number {
    return this.total / WHISPER_SAMPLE_RATE;
  }

  /** Samples recorded. */
  get length(): number {
    return this.total;
  }

  /** Bytes of sample memory held: 2 per sample recorded, plus the unused rest of the last chunk. */
  get bytes(): number {
    return this.allocated * Int16Array.BYTES_PER_ELEMENT;
  }

  /**
   * Records samples: each is clamped to [-1, 1] and rounded to 16 bits (NaN becomes 0).
   * @param samples Float32 mono at 16 kHz
   * @throws RecordingTooLongError when the recording would pass `maxSeconds`; nothing of `samples`
   *   is recorded then
   */
  append(samples: Float32Array): void {
    if (this.total + samples.length > this.maxSamples) throw new RecordingTooLongError(this.maxSeconds);
    let read = 0;
    while (read < samples.length) {
      let chunk = this.chunks.at(-1);
      if (!chunk || this.filled === chunk.length) {
        chunk = this.grow();
        this.filled = 0;
      }
      const count = Math.min(samples.length - read, chunk.length - this.filled);
      for (let i = 0; i < count; i++) {
        const value = Math.round(samples[read + i] * PCM16_SCALE);
        chunk[this.filled + i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
      }
      read += count;
      this.filled += count;
    }
    this.total += samples.length;
  }

  /**
   * The recording as Float32 (each sample / 32768), in one new array of 4 bytes per sample; the
   * recorder is unchanged. Within 1/32768 of what was appended, for samples in [-1, 1].
   */
  toFloat32(): Float32Array {
    const out = new Float32Array(this.total);
    let offset = 0;
    for (const [index, chunk] of this.chunks.entries()) {
      const used = index === this.chunks.length - 1 ? this.filled : chunk.length;
      for (let i = 0; i < used; i++) out[offset + i] = chunk[i] / PCM16_SCALE;
      offset += used;
    }
    return out;
  }

  /**
   * Hands the recording over as 16-bit chunks (the used part of each), in order, and empties the
   * recorder (its length is 0 afterwards): the caller may transfer their buffers to another thread.
   */
  release(): Int16Array[] {
    const chunks = this.chunks.map((chunk, index) =>
      index === this.chunks.length - 1 ? chunk.subarray(0, this.filled) : chunk,
    );
    this.chunks.length = 0;
    this.filled = 0;
    this.total = 0;
    this.allocated = 0;
    return chunks;
  }

  /**
   * Adds the next chunk: as large as all earlier ones together (so their number grows with the
   * logarithm up to 60 s, then linearly), within 1–60 s and never past the cap.
   */
  private grow(): Int16Array {
    const size = Math.min(
      Math.max(FIRST_CHUNK_SAMPLES, this.allocated),
      MAX_CHUNK_SAMPLES,
      this.maxSamples - this.allocated,
    );
    const chunk = new Int16Array(size);
    this.chunks.push(chunk);
    this.allocated += size;
    return chunk;
  }
}

/** `3 h`, `20 min`, `1 h 30 min`, `45 s`: a duration in seconds in words, for messages. */
function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = Math.round(seconds % 60);
  const parts = [hours && `${hours} h`, minutes && `${minutes} min`, rest && `${rest} s`].filter(Boolean);
  return parts.join(' ') || '0 s';
}
