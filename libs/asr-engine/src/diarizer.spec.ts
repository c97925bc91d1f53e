import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWave } from 'sherpa-onnx-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { audioPath, testModelsDir } from '../../../test/support/env';
import { Diarizer, type DiarizerSettings } from './diarizer';
import { ModelNotFoundError } from './engine/model-files';
import { PcmRecorder } from './pcm-recorder';
import type { SpeakerTurn } from './transcript';

const RATE = 16000;

/**
 * The diarization test doubles of ../shared/models (see its README): an energy-threshold
 * segmentation and a spectral-statistics embedding with the interfaces of pyannote segmentation 3.0
 * and a WeSpeaker model. They run sherpa-onnx's whole pipeline; with 2 clusters they tell jfk.wav
 * from zh-funasr-0.wav, with threshold clustering at 0.5 they do not.
 */
function doubles(): DiarizerSettings {
  const models = testModelsDir();
  return {
    segmentationModel: join(models, 'sherpa-onnx-pyannote-segmentation-testonly', 'model.onnx'),
    embeddingModel: join(models, 'speaker-embedding-testonly', 'speaker-embedding-testonly.onnx'),
    numThreads: 1,
    provider: 'cpu',
  };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Samples between `from` and `to` seconds that the turns give to each speaker. */
function speakersWithin(turns: SpeakerTurn[], from: number, to: number): Set<number> {
  return new Set(turns.filter((turn) => turn.end > from && turn.start < to).map((turn) => turn.speaker));
}

describe('Diarizer', () => {
  let diarizer: Diarizer;
  /** jfk.wav (11 s) + 1 s silence + zh-funasr-0.wav (5.55 s, Mandarin at 12.0–17.55 s) + 1 s silence + jfk.wav. */
  let conversation: Float32Array;

  beforeAll(() => {
    const jfk = readWave(audioPath('jfk.wav'));
    const zh = readWave(audioPath('zh-funasr-0.wav'));
    expect([jfk.sampleRate, zh.sampleRate]).toEqual([RATE, RATE]);
    const silence = new Float32Array(RATE);
    conversation = concat([jfk.samples, silence, zh.samples, silence, jfk.samples]);
    expect(conversation.length).toBe(472747);
    diarizer = Diarizer.load(doubles());
  });

  it('with numSpeakers 2 gives both JFK pieces one speaker and the Mandarin another, sorted, in seconds', async () => {
    const turns = await diarizer.diarize(conversation, { numSpeakers: 2, threshold: 0.5 });
    const firstJfk = speakersWithin(turns, 0, 11);
    const mandarin = speakersWithin(turns, 12.5, 17.5);
    const secondJfk = speakersWithin(turns, 18.55, 29.55);
    expect(firstJfk.size).toBe(1);
    expect(mandarin.size).toBe(1);
    expect(secondJfk).toEqual(firstJfk);
    expect([...mandarin][0]).not.toBe([...firstJfk][0]);
    expect(new Set(turns.map((turn) => turn.speaker))).toEqual(new Set([0, 1]));
    // Times are seconds: the last turn ends with the file (29.55 s), the Mandarin lies inside 12–17.55 s.
    expect(turns.at(-1)!.end).toBeGreaterThan(28);
    expect(turns.at(-1)!.end).toBeLessThanOrEqual(conversation.length / RATE + 0.1);
    const mandarinTurns = turns.filter((turn) => turn.speaker === [...mandarin][0]);
    expect(mandarinTurns.every((turn) => turn.start >= 11.9 && turn.end <= 17.6)).toBe(true);
    for (const [i, turn] of turns.entries()) {
      expect(turn.end).toBeGreaterThan(turn.start);
      if (i > 0) expect(turn.start).toBeGreaterThanOrEqual(turns[i - 1].start);
      expect(Object.keys(turn).sort()).toEqual(['end', 'speaker', 'start']);
    }
  });

  it('with threshold clustering at 0.5 finds one speaker (the doubles cannot separate them)', async () => {
    const turns = await diarizer.diarize(conversation, { numSpeakers: null, threshold: 0.5 });
    expect(turns.length).toBeGreaterThan(3);
    expect(new Set(turns.map((turn) => turn.speaker))).toEqual(new Set([0]));
  });

  it('applies each call its own clustering, also when calls overlap (they run one after another)', async () => {
    const [two, one, twoAgain] = await Promise.all([
      diarizer.diarize(conversation, { numSpeakers: 2, threshold: 0.5 }),
      diarizer.diarize(conversation, { numSpeakers: null, threshold: 0.5 }),
      diarizer.diarize(conversation, { numSpeakers: 2, threshold: 0.5 }),
    ]);
    expect(new Set(two.map((turn) => turn.speaker)).size).toBe(2);
    expect(new Set(one.map((turn) => turn.speaker)).size).toBe(1);
    expect(twoAgain).toEqual(two);
  });

  it('reports increasing progress from 0 that ends at 1, and nothing after it resolved', async () => {
    const fractions: number[] = [];
    const turns = await diarizer.diarize(conversation, { numSpeakers: 2, threshold: 0.5 }, (fraction) =>
      fractions.push(fraction),
    );
    const reportedWhenDone = fractions.length;
    expect(turns.length).toBeGreaterThan(0);
    // 29.55 s in 10 s windows every 1 s: 21 windows, one report each (some may coincide with 1).
    expect(fractions.length).toBeGreaterThan(10);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThan(fractions[i - 1]);
    await new Promise((done) => setTimeout(done, 50));
    expect(fractions.length).toBe(reportedWhenDone);
  });

  it('takes a 16-bit recording over from a PcmRecorder (emptied) and gives the same turns as its Float32 samples', async () => {
    const recorder = new PcmRecorder(60);
    recorder.append(conversation);
    const fromFloat32 = await diarizer.diarize(recorder.toFloat32(), { numSpeakers: 2, threshold: 0.5 });
    const fromRecorder = await diarizer.diarize(recorder, { numSpeakers: 2, threshold: 0.5 });
    expect(fromRecorder).toEqual(fromFloat32);
    expect(recorder.length).toBe(0);
  });

  it('keeps the event loop responsive while it runs: a 10 ms timer never waits much longer', async () => {
    const long = concat([conversation, conversation]); // 59.1 s
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 10);
    try {
      const turns = await diarizer.diarize(long, { numSpeakers: 2, threshold: 0.5 });
      expect(turns.at(-1)!.end).toBeGreaterThan(55);
    } finally {
      clearInterval(timer);
    }
    gaps.push(performance.now() - last);
    expect(gaps.length).toBeGreaterThan(3);
    expect(Math.max(...gaps)).toBeLessThan(200);
  });

  it('gives no turns for silence or no samples, and still ends progress at 1', async () => {
    const fractions: number[] = [];
    expect(
      await diarizer.diarize(new Float32Array(0), { numSpeakers: 2, threshold: 0.5 }, (f) => fractions.push(f)),
    ).toEqual([]);
    expect(fractions).toEqual([0, 1]);
    expect(await diarizer.diarize(new Float32Array(15 * RATE), { numSpeakers: null, threshold: 0.5 })).toEqual([]);
  });

  it('rejects with the progress listener’s error once the run is over, and goes on serving calls', async () => {
    const failing = diarizer.diarize(conversation, { numSpeakers: 2, threshold: 0.5 }, () => {
      throw new Error('listener broke');
    });
    await expect(failing).rejects.toThrow('listener broke');
    expect((await diarizer.diarize(conversation, { numSpeakers: 2, threshold: 0.5 })).length).toBeGreaterThan(0);
  });

  it('refuses a speaker count that is not a positive integer, and a threshold that is not positive', async () => {
    await expect(diarizer.diarize(conversation, { numSpeakers: 0, threshold: 0.5 })).rejects.toThrow(RangeError);
    await expect(diarizer.diarize(conversation, { numSpeakers: 2.5, threshold: 0.5 })).rejects.toThrow(RangeError);
    await expect(diarizer.diarize(conversation, { numSpeakers: null, threshold: Number.NaN })).rejects.toThrow(
      /threshold/,
    );
  });
});

describe('Diarizer.load', () => {
  it('throws ModelNotFoundError naming the missing file and the download command', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'hark-diarizer-')), 'nowhere', 'model.onnx');
    const load = () => Diarizer.load({ ...doubles(), segmentationModel: missing });
    expect(load).toThrow(ModelNotFoundError);
    expect(load).toThrow(missing);
    expect(load).toThrow('npm run models:download -- diarization');
    expect(load).toThrow('DIARIZATION_SEGMENTATION_MODEL');
    expect(load).not.toThrow('DIARIZATION_EMBEDDING_MODEL)');

    const both = () => Diarizer.load({ ...doubles(), segmentationModel: missing, embeddingModel: `${missing}.emb` });
    expect(both).toThrow(`${missing}.emb (DIARIZATION_EMBEDDING_MODEL)`);
  });

  it('refuses files that are not the right models instead of letting sherpa-onnx abort the process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hark-diarizer-'));
    const html = join(dir, 'model.onnx');
    writeFileSync(html, '<!DOCTYPE html><html><body>Not Found</body></html>');
    expect(() => Diarizer.load({ ...doubles(), embeddingModel: html })).toThrow(
      /model\.onnx is not an ONNX model.*DIARIZATION_EMBEDDING_MODEL.*models:download -- diarization/s,
    );
    // Swapped models: each is a valid ONNX file without the other's metadata.
    const segmentation = join(dir, 'segmentation.onnx');
    copyFileSync(doubles().embeddingModel, segmentation);
    expect(() => Diarizer.load({ ...doubles(), segmentationModel: segmentation })).toThrow(
      /not a pyannote segmentation model .* lacks the metadata window_size, receptive_field_size/,
    );
    expect(() => Diarizer.load({ ...doubles(), embeddingModel: doubles().segmentationModel })).toThrow(
      /not a speaker-embedding model .*"framework" is missing/,
    );
  });
});
