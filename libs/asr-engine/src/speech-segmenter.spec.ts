import { join } from 'node:path';
import { decodePcm } from '@app/media';
import { describe, expect, it } from 'vitest';
import { audioPath, testModelsDir } from '../../../test/support/env';
import { MAX_CHUNK_SECONDS } from './segments';
import { DEFAULT_VAD_OPTIONS, SpeechSegmenter } from './speech-segmenter';

const vadModel = () => join(testModelsDir(), 'silero-vad', 'silero_vad.onnx');

/** Raw VAD output: no padding. */
const UNPADDED = { ...DEFAULT_VAD_OPTIONS, speechPad: 0 };

async function speechRegions(file: string, options = UNPADDED, pushSize?: number): Promise<[number, number][]> {
  const segmenter = new SpeechSegmenter(vadModel(), options);
  const regions: [number, number][] = [];
  const add = (chunks: { start: number; samples: Float32Array }[]) =>
    chunks.forEach((c) => regions.push([c.start / 16000, (c.start + c.samples.length) / 16000]));
  for await (const samples of decodePcm(audioPath(file))) {
    if (!pushSize) add(segmenter.push(samples));
    else for (let i = 0; i < samples.length; i += pushSize) add(segmenter.push(samples.subarray(i, i + pushSize)));
  }
  add(segmenter.flush());
  return regions;
}

describe('SpeechSegmenter (real Silero VAD on real speech, audio decoded by ffmpeg)', () => {
  it('finds the speech regions of jfk.wav listed in ../shared/audio/README.md', async () => {
    const regions = await speechRegions('jfk.wav');
    expect(regions).toHaveLength(3);
    [
      [0.29, 2.28],
      [5.37, 7.66],
      [8.16, 10.94],
    ].forEach(([start, end], i) => {
      expect(regions[i][0]).toBeCloseTo(start, 1);
      expect(regions[i][1]).toBeCloseTo(end, 0);
    });
  });

  it('gives the same regions whatever size the pushed pieces have', async () => {
    expect(await speechRegions('jfk.wav', UNPADDED, 333)).toEqual(await speechRegions('jfk.wav'));
  });

  it('never returns a chunk longer than the limit: long speech is split, not dropped', async () => {
    // With a 2 s limit every jfk.wav region must be cut; the pieces still cover the same speech.
    const regions = await speechRegions('jfk.wav', { ...UNPADDED, maxSpeechDuration: 2 });
    expect(regions.length).toBeGreaterThan(3);
    for (const [start, end] of regions) expect(end - start).toBeLessThanOrEqual(2.001);
    expect(regions[0][0]).toBeCloseTo(0.29, 1);
    expect(regions.at(-1)![1]).toBeGreaterThan(10.5);
    const long = await speechRegions('long-en-concat-16k.wav', DEFAULT_VAD_OPTIONS);
    for (const [start, end] of long) expect(end - start).toBeLessThanOrEqual(MAX_CHUNK_SECONDS);
  });

  it('pads speech by speechPad on both sides without overlapping the neighbours', async () => {
    const raw = await speechRegions('jfk.wav');
    const padded = await speechRegions('jfk.wav', { ...UNPADDED, speechPad: 0.2 });
    expect(padded).toHaveLength(raw.length);
    padded.forEach(([start, end], i) => {
      expect(start).toBeCloseTo(Math.max(0, raw[i][0] - 0.2), 3);
      expect(end).toBeCloseTo(Math.min(raw[i][1] + 0.2, 11), 3); // jfk.wav is 11 s long
      if (i > 0) expect(start).toBeGreaterThanOrEqual(padded[i - 1][1]);
    });
    // A pad longer than half the pause is cut on the end side, so chunks never overlap.
    const wide = await speechRegions('jfk.wav', { ...UNPADDED, speechPad: 2 });
    wide.forEach(([start], i) => i > 0 && expect(start).toBeGreaterThanOrEqual(wide[i - 1][1]));
  });
});
