import { join } from 'node:path';
import { decodePcm } from '@app/media';
import { Vad } from 'sherpa-onnx-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { audioPath, testModelsDir } from '../../../test/support/env';
import { createSegmenter } from './create-segmenter';
import { DEFAULT_DECODE_OPTIONS, withDefaults } from './decode-options';
import type { Segmenter } from './segmenter';
import { SpeechSegmenter, type VadFactory } from './speech-segmenter';
import type { SpeechChunk } from './transcript';

const vadModel = () => join(testModelsDir(), 'silero-vad', 'silero_vad.onnx');
const RATE = 16000;

/** jfk.wav (11 s of speech with two pauses) as ffmpeg decodes it. */
let jfk: Float32Array;

beforeAll(async () => {
  const pieces: Float32Array[] = [];
  for await (const samples of decodePcm(audioPath('jfk.wav'))) pieces.push(samples);
  jfk = new Float32Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  pieces.reduce((at, piece) => (jfk.set(piece, at), at + piece.length), 0);
});

/** A VAD factory that makes real VADs and counts them. */
function countingVads(): { createVad: VadFactory; count: () => number } {
  let made = 0;
  return {
    createVad: (config, seconds) => {
      made++;
      return new Vad(config, seconds);
    },
    count: () => made,
  };
}

/** Everything the segmenter cuts from `samples`, pushed in pieces of 4000 (as the decoder gives them). */
function run(segmenter: Segmenter, samples: Float32Array): SpeechChunk[] {
  const chunks: SpeechChunk[] = [];
  for (let i = 0; i < samples.length; i += 4000) chunks.push(...segmenter.push(samples.subarray(i, i + 4000)));
  return [...chunks, ...segmenter.flush()];
}

describe('createSegmenter with clip_timestamps (real Silero VAD, jfk.wav)', () => {
  it('loads one VAD for any number of ranges, resetting it between them', () => {
    // 400 ranges of 20 ms every 27.5 ms across the 11 s (the attack used 1,000; each VAD held ~10 MB natively).
    const times = Array.from({ length: 400 }, (_, i) => [i * 0.0275, i * 0.0275 + 0.02]).flat();
    const vads = countingVads();
    const segmenter = createSegmenter(
      withDefaults({ clip_timestamps: times.map((t) => t.toFixed(4)).join(',') }),
      vadModel(),
      vads.createVad,
    );
    run(segmenter, jfk);
    expect(vads.count()).toBe(1);
  });

  it('cuts each range exactly as a fresh VAD for that range alone would', () => {
    const ranges: [number, number][] = [
      [0.2, 3],
      [4.9, 8],
      [8.1, 9.4],
      [9.6, Infinity],
    ];
    const vads = countingVads();
    const clip = ranges.flatMap(([start, end]) => (end === Infinity ? [start] : [start, end])).join(',');
    const chunks = run(createSegmenter(withDefaults({ clip_timestamps: clip }), vadModel(), vads.createVad), jfk);
    expect(vads.count()).toBe(1);

    const options = {
      threshold: DEFAULT_DECODE_OPTIONS.threshold,
      minSpeechDuration: DEFAULT_DECODE_OPTIONS.min_speech_duration_ms / 1000,
      minSilenceDuration: DEFAULT_DECODE_OPTIONS.min_silence_duration_ms / 1000,
      maxSpeechDuration: 29,
      speechPad: DEFAULT_DECODE_OPTIONS.speech_pad_ms / 1000,
    };
    const expected = ranges.flatMap(([start, end]) => {
      const from = Math.round(start * RATE);
      const to = end === Infinity ? jfk.length : Math.round(end * RATE);
      return run(new SpeechSegmenter(vadModel(), options), jfk.subarray(from, to)).map((chunk) => ({
        start: chunk.start + from,
        samples: chunk.samples,
      }));
    });
    expect(expected.length).toBeGreaterThanOrEqual(ranges.length);
    expect(chunks.map((c) => [c.start, c.samples.length])).toEqual(expected.map((c) => [c.start, c.samples.length]));
    expect(chunks).toEqual(expected);
  });
});
