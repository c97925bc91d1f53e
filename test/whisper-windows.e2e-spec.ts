import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import {
  AsrEngine,
  createSegmenter,
  DEFAULT_DECODE_OPTIONS,
  type Segment,
  type Transcript,
  type WindowReport,
} from '@app/asr-engine';
import { decodePcm } from '@app/media';
import { parse } from '@plussub/srt-vtt-parser';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath, testModelsDir } from './support/env';
import { TestStack } from './support/stack';
import { expectWellFormedSegments } from './support/transcript-checks';

/**
 * Packed windows, Whisper's segment and word timestamps, and the parallel decode, with the
 * `timestamps-testonly` double: one segment " Segment one." … per full 2 s of a window (see
 * ../shared/models/README.md), and a decoder with cross-attention outputs (arbitrary token times).
 */
const MODEL = 'timestamps-testonly';
const RATE = 16000;

/** The speech regions the engine's VAD finds in a file, as [start, end) sample indexes. */
async function speechRegions(file: string): Promise<[number, number][]> {
  const segmenter = createSegmenter({ ...DEFAULT_DECODE_OPTIONS }, join(testModelsDir(), 'silero-vad/silero_vad.onnx'));
  const regions: [number, number][] = [];
  const take = (chunks: { start: number; samples: Float32Array }[]) =>
    chunks.forEach((c) => regions.push([c.start, c.start + c.samples.length]));
  for await (const samples of decodePcm(file)) take(segmenter.push(samples));
  take(segmenter.flush());
  return regions;
}

/** Window time (s) → file time (s) for regions packed back to back (a boundary is an end in the earlier region). */
function mapToFile(regions: [number, number][], seconds: number, edge: 'start' | 'end'): number {
  let at = Math.round(seconds * RATE);
  for (const [start, end] of regions) {
    const length = end - start;
    if (edge === 'start' ? at < length : at <= length) return (start + at) / RATE;
    at -= length;
  }
  const [, end] = regions[regions.length - 1];
  return end / RATE;
}

function expectWordsInside(segments: Segment[]): void {
  let previousEnd = 0;
  for (const segment of segments) {
    expect(segment.words?.length ?? 0, `words of ${JSON.stringify(segment)}`).toBeGreaterThan(0);
    for (const word of segment.words!) {
      expect(word.word.trim()).toBe(word.word);
      expect(word.word).not.toBe('');
      expect(word.start).toBeGreaterThanOrEqual(segment.start);
      expect(word.end).toBeLessThanOrEqual(segment.end);
      expect(word.end).toBeGreaterThanOrEqual(word.start);
      expect(word.start).toBeGreaterThanOrEqual(previousEnd);
      previousEnd = word.end;
    }
    expect(segment.words!.map((w) => w.word).join(' ')).toBe(segment.text);
  }
}

describe('packed windows and Whisper timestamps (api)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.running({ ASR_MODEL: MODEL, ASR_POOL_SIZE: '2' });
  });
  afterAll(() => stack?.destroy());

  it('jfk.wav: the segments are the packed window’s 2 s segments mapped back onto the file', async () => {
    const file = audioPath('jfk.wav');
    const regions = await speechRegions(file);
    const speech = regions.reduce((sum, [start, end]) => sum + end - start, 0);
    expect(speech).toBeLessThan(29 * RATE); // one window
    const count = Math.max(1, Math.floor(Math.floor(speech / 160) / 200));
    const names = ['one', 'two', 'three', 'four', 'five', 'six', 'seven'];
    const expected = Array.from({ length: count }, (_, k) => ({
      id: k,
      start: Math.round(mapToFile(regions, 2 * k, 'start') * 1000) / 1000,
      end: Math.round(mapToFile(regions, 2 * k + 2, 'end') * 1000) / 1000,
      text: `Segment ${names[k]}.`,
    }));

    const { body: created } = await upload(stack.baseUrl, file);
    const { task } = await waitForTask(stack.baseUrl, created.id);
    expect(task.status, task.error).toBe('completed');
    expect(task.result.segments).toEqual(expected);
    expect(task.result.text).toBe(expected.map((s) => s.text).join(' '));
  });

  it('word_timestamps=true: words on every segment, monotonic and inside their segments', async () => {
    const { body: created } = await upload(stack.baseUrl, audioPath('jfk.wav'), { word_timestamps: 'true' });
    const { task } = await waitForTask(stack.baseUrl, created.id);
    expect(task.status, task.error).toBe('completed');
    expectWordsInside(task.result.segments);
    expect(task.result.segments[0].words.map((w: { word: string }) => w.word)).toEqual(['Segment', 'one.']);
  });

  it('SRT cues of several words never run longer than max_cue_duration, nor past their segment', async () => {
    const { body: created } = await upload(stack.baseUrl, audioPath('long-en-concat-16k.wav'));
    const { task } = await waitForTask(stack.baseUrl, created.id);
    expect(task.status, task.error).toBe('completed');
    expectWellFormedSegments(task.result.segments, task.duration);
    const response = await fetch(`${stack.baseUrl}/api/v1/tasks/${created.id}/subtitles?format=srt&max_cue_duration=1`);
    expect(response.status).toBe(200);
    const { entries } = parse(await response.text());
    const segments: Segment[] = task.result.segments;
    expect(entries.length).toBeGreaterThan(segments.length);
    for (const cue of entries) {
      // A segment without word times is cut between words, in proportion to characters: a cue is a
      // single word, or within the limit.
      if (/\s/.test(cue.text.trim())) expect(cue.to - cue.from).toBeLessThanOrEqual(1000);
      const owner = segments.find((s) => cue.from >= s.start * 1000 - 1 && cue.to <= s.end * 1000 + 1);
      expect(owner, `a segment holding the cue ${cue.from}–${cue.to} ms`).toBeDefined();
    }
  });

  it('OpenAI verbose_json with word granularity: top-level words (official client)', async () => {
    const client = new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    const result = await client.audio.transcriptions.create({
      file: createReadStream(audioPath('jfk.wav')),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(result.segments!.length).toBeGreaterThan(1);
    expect(result.words!.length).toBeGreaterThanOrEqual(2 * result.segments!.length);
    expect(result.words!.map((w) => w.word).join(' ')).toBe(result.text);
    for (const [i, word] of result.words!.entries()) {
      expect(word.end).toBeGreaterThanOrEqual(word.start);
      if (i > 0) expect(word.start).toBeGreaterThanOrEqual(result.words![i - 1].end);
    }
  });

  it('GET /api/v1/engine says per model whether word times are available', async () => {
    const { body } = await getJson(stack.baseUrl, '/api/v1/engine');
    expect(body.model_features[MODEL]).toEqual({ word_timestamps: true });
    expect(body.model_features['dummy-testonly']).toEqual({ word_timestamps: false });
    expect(body.options.word_timestamps).toMatchObject({ supported: true });
  });
});

describe('packed windows and the recognizer pool (engine)', () => {
  let engine: AsrEngine;
  let serial: AsrEngine;
  const long = () => audioPath('long-en-concat-16k.wav');

  beforeAll(async () => {
    const options = {
      modelsDir: testModelsDir(),
      model: MODEL,
      vadModel: join(testModelsDir(), 'silero-vad/silero_vad.onnx'),
      provider: 'cpu' as const,
      numThreads: 1,
    };
    engine = await AsrEngine.load({ ...options, poolSize: 2 });
    serial = await AsrEngine.load({ ...options, poolSize: 1 });
  });

  async function run(
    on: AsrEngine,
    options = {},
  ): Promise<{ transcript: Transcript; windows: WindowReport[]; progress: number[]; positions: number[] }> {
    const windows: WindowReport[] = [];
    const progress: number[] = [];
    const positions: number[] = [];
    const transcript = await on.transcribe(decodePcm(long()), options, {
      onWindow: (report) => windows.push(report),
      onProgress: (_segments, secondsRead, checkpoint) => {
        progress.push(secondsRead);
        positions.push(checkpoint.position);
      },
    });
    return { transcript, windows, progress, positions };
  }

  it('the long file: windows of at most 29 s that hold all the speech, segments ordered and apart', async () => {
    const regions = await speechRegions(long());
    const { transcript, windows } = await run(engine);
    expect(windows.length).toBeLessThan(regions.length); // regions were packed together
    for (const window of windows) expect(window.seconds).toBeLessThanOrEqual(29);
    const packed = windows.flatMap((w) => w.regions);
    expect(packed).toEqual(
      regions.map(([start, end]) => [start / RATE, end / RATE].map((t) => Math.round(t * 1000) / 1000)),
    );
    const speechSeconds = regions.reduce((sum, [start, end]) => sum + end - start, 0) / RATE;
    expect(windows.reduce((sum, w) => sum + w.seconds, 0)).toBeCloseTo(speechSeconds, 2);
    expectWellFormedSegments(transcript.segments, transcript.duration);
  });

  it('a parallel decode gives byte-identical JSON to a serial one, with monotonic progress', async () => {
    const parallel = await run(engine, { word_timestamps: true });
    const oneByOne = await run(serial, { word_timestamps: true });
    expect(JSON.stringify(parallel.transcript)).toBe(JSON.stringify(oneByOne.transcript));
    for (const { progress, positions } of [parallel, oneByOne]) {
      expect(progress.length).toBeGreaterThan(2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    expectWordsInside(parallel.transcript.segments);
  });
});
