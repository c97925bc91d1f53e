import { HarkError } from '@app/errors';
import { describe, expect, it } from 'vitest';
import { PcmRecorder, RecordingTooLongError } from './pcm-recorder';

const RATE = 16000;

/** Deterministic samples in [-1, 1] (a chirp with noise-like detail), `count` of them from `start`. */
function signal(start: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const n = start + i;
    out[i] = 0.9 * Math.sin(n * n * 1e-6) + 0.1 * Math.sin(n * 0.37);
  }
  return out;
}

describe('PcmRecorder', () => {
  it('gives back what was appended, across chunk boundaries, within 1/32768', () => {
    const recorder = new PcmRecorder(3600);
    const pieces = [1, 512, 15_999, 16_000, 40_000, 3, 100_000].map((length, i, all) =>
      signal(
        all.slice(0, i).reduce((sum, n) => sum + n, 0),
        length,
      ),
    );
    for (const piece of pieces) recorder.append(piece);
    const expected = signal(0, 172_515);
    expect(recorder.length).toBe(expected.length);
    expect(recorder.seconds).toBeCloseTo(172_515 / RATE, 9);
    const back = recorder.toFloat32();
    expect(back).toBeInstanceOf(Float32Array);
    expect(back.length).toBe(expected.length);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(back[i] - expected[i]));
    expect(worst).toBeLessThanOrEqual(1 / 32768);
    expect(worst).toBeGreaterThan(0); // 16-bit, not a copy of the floats
    // Another call gives an equal, new array.
    const again = recorder.toFloat32();
    expect(again === back).toBe(false);
    expect(Buffer.from(again.buffer).equals(Buffer.from(back.buffer))).toBe(true);
  });

  it('hands the recording over as 16-bit chunks, in order, and is empty afterwards', () => {
    const recorder = new PcmRecorder(3600);
    const appended = signal(0, 50_000);
    recorder.append(appended.subarray(0, 20_000));
    recorder.append(appended.subarray(20_000));
    const expected = recorder.toFloat32();
    const chunks = recorder.release();
    expect(chunks.length).toBeGreaterThan(1); // 1 s, then 1 s, then 2 s chunks
    const joined = chunks.flatMap((chunk) => Array.from(chunk, (value) => value / 32768));
    expect(joined).toEqual(Array.from(expected));
    expect([recorder.length, recorder.bytes]).toEqual([0, 0]);
    expect(recorder.toFloat32()).toHaveLength(0);
  });

  it('keeps 16-bit samples exactly, and clamps and rounds the rest', () => {
    const recorder = new PcmRecorder(10);
    const exact = Float32Array.from([0, 1 / 32768, -1, 32767 / 32768, -12345 / 32768]);
    recorder.append(exact);
    recorder.append(Float32Array.from([1, 1.5, -1.5, Number.POSITIVE_INFINITY, Number.NaN, 0.4 / 32768, 0.6 / 32768]));
    expect([...recorder.toFloat32()]).toEqual([
      ...exact,
      32767 / 32768,
      32767 / 32768,
      -1,
      32767 / 32768,
      0,
      0,
      1 / 32768,
    ]);
  });

  it('refuses to pass maxSeconds, naming DIARIZATION_MAX_SECONDS, and keeps what it had', () => {
    const recorder = new PcmRecorder(2);
    recorder.append(signal(0, RATE));
    recorder.append(signal(RATE, RATE)); // exactly 2 s: allowed
    expect(recorder.seconds).toBe(2);
    const tooMuch = () => recorder.append(new Float32Array(1));
    expect(tooMuch).toThrow(RecordingTooLongError);
    expect(tooMuch).toThrow(/DIARIZATION_MAX_SECONDS \(2 s/);
    expect(recorder.length).toBe(2 * RATE);
    expect(recorder.toFloat32().length).toBe(2 * RATE);
    // A HarkError `too_long`, not retryable: the same file is as long next time.
    expect(new RecordingTooLongError(10_800)).toMatchObject({ code: 'too_long', retryable: false });
    expect(new RecordingTooLongError(10_800)).toBeInstanceOf(HarkError);
    expect(new RecordingTooLongError(10_800).message).toContain('10800 s, 3 h');
  });

  it('refuses one large append that would pass the cap, recording none of it', () => {
    const recorder = new PcmRecorder(1);
    recorder.append(signal(0, 100));
    expect(() => recorder.append(new Float32Array(RATE))).toThrow(RecordingTooLongError);
    expect(recorder.length).toBe(100);
    expect(() => new PcmRecorder(0)).toThrow(RangeError);
  });

  it('appends many small chunks in linear time, holding about 2 bytes per sample', () => {
    // 20 min in 10 ms pieces: 120 000 appends. Copying everything on each append would move
    // terabytes here; chunked recording touches each sample once.
    const recorder = new PcmRecorder(3 * 3600);
    const piece = signal(0, 160);
    const started = performance.now();
    for (let i = 0; i < 120_000; i++) recorder.append(piece);
    const elapsed = performance.now() - started;
    expect(recorder.seconds).toBe(1200);
    expect(elapsed).toBeLessThan(3000);
    const samples = 1200 * RATE;
    expect(recorder.bytes).toBeGreaterThanOrEqual(2 * samples);
    expect(recorder.bytes).toBeLessThanOrEqual(2 * samples + 2 * 60 * RATE); // at most one 60 s chunk spare
    const back = recorder.toFloat32();
    expect(back.length).toBe(samples);
    expect(back[samples - 1]).toBeCloseTo(piece[159], 4);
  });

  it('never reserves memory past the cap', () => {
    const recorder = new PcmRecorder(1.5);
    for (let i = 0; i < 150; i++) recorder.append(signal(0, 160));
    expect(recorder.seconds).toBe(1.5);
    expect(recorder.bytes).toBe(2 * 1.5 * RATE);
  });
});
