import { DEFAULT_DECODE_OPTIONS } from '@app/asr-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';
import { expectSpeechRegions, expectWellFormedSegments } from './support/transcript-checks';

/** Silero VAD v5 speech regions of jfk.wav (../shared/audio/README.md). */
const JFK_REGIONS: [number, number][] = [
  [0.29, 2.28],
  [5.37, 7.66],
  [8.16, 10.94],
];

describe('decode options', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.running();
  });
  afterAll(() => stack?.destroy());

  const transcribe = async (fields: Record<string, string>, file = 'jfk.wav') => {
    const created = await upload(stack.baseUrl, audioPath(file), fields);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return (await waitForTask(stack.baseUrl, created.body.id)).task;
  };

  it('stores every option as accepted, with defaults filled in', async () => {
    const task = await transcribe({
      language: 'en',
      min_silence_duration_ms: '400',
      word_timestamps: 'false',
      beam_size: '1',
    });
    expect(task.decode_options).toMatchObject({
      language: 'en',
      task: 'transcribe',
      beam_size: 1,
      temperature: 0,
      word_timestamps: false,
      vad_filter: true,
      min_silence_duration_ms: 400,
      speech_pad_ms: 200,
      chunk_length: 30,
    });
    expect(task.decode_options).toMatchObject({ diarize: false, num_speakers: null, diarization_threshold: 0.5 });
  });

  it('takes every option of the engine as a field: all of them sent at their defaults are accepted and stored', async () => {
    // A decode option without a DTO field would be refused ("… is not a field", even when empty) or dropped on the
    // way to the task. Options whose default is null, and the diarization tuning (which needs diarize=true), are sent
    // empty: not given.
    const empty = (option: string, value: unknown) =>
      value === null || option === 'num_speakers' || option === 'diarization_threshold';
    const fields = Object.fromEntries(
      Object.entries(DEFAULT_DECODE_OPTIONS).map(([option, value]) => [
        option,
        empty(option, value) ? '' : String(value),
      ]),
    );
    const task = await transcribe(fields);
    expect(task.decode_options).toEqual(DEFAULT_DECODE_OPTIONS);
  });

  it('refuses options the engine cannot apply with 422 naming each and why; nothing is stored', async () => {
    const storedBefore = await stack.storedUploads();
    const { status, body } = await upload(stack.baseUrl, audioPath('jfk.wav'), {
      beam_size: '5',
      temperature: '0.2',
      word_timestamps: 'true',
      initial_prompt: 'Kennedy',
    });
    expect(status).toBe(422);
    expect(body.details.map((d: any) => d.field).sort()).toEqual([
      'beam_size',
      'initial_prompt',
      'temperature',
      'word_timestamps',
    ]);
    expect(body.message).toMatch(
      /beam_size=5 \(sherpa-onnx's Whisper decoder is greedy-only; beam search \(beam_size > 1\) is not available\)/,
    );
    expect(body.message).toMatch(/GET \/api\/v1\/engine/);
    expect(await stack.storedUploads()).toEqual(storedBefore);
  });

  it('invalid values → 400 naming the option', async () => {
    const { status, body } = await upload(stack.baseUrl, audioPath('jfk.wav'), {
      chunk_length: '45',
      threshold: 'high',
      vad_filter: 'maybe',
      clip_timestamps: '5,2',
    });
    expect(status).toBe(400);
    expect(body.details.map((d: any) => d.field).sort()).toEqual(['chunk_length', 'threshold', 'vad_filter']);
    const clips = await upload(stack.baseUrl, audioPath('jfk.wav'), { clip_timestamps: '5,2' });
    expect(clips.status).toBe(400);
    expect(clips.body.message).toMatch(/clip_timestamps must be strictly ascending/);
  });

  it('more clip_timestamps ranges than MAX_CLIP_RANGES, or a 60 kB punctuation set → 400 naming the limit', async () => {
    const storedBefore = await stack.storedUploads();
    // 101 ranges: 0–0.05, 0.1–0.15, … (the attack sent 1,000, and each loaded a VAD).
    const times = Array.from({ length: 202 }, (_, i) => (i * 0.05).toFixed(2)).join(',');
    const clips = await upload(stack.baseUrl, audioPath('jfk.wav'), { clip_timestamps: times });
    expect(clips.status).toBe(400);
    expect(clips.body.details).toEqual([
      {
        field: 'clip_timestamps',
        problems: [
          'clip_timestamps lists 101 ranges; at most 100 are accepted (MAX_CLIP_RANGES): send fewer, wider ranges, or raise MAX_CLIP_RANGES on the server',
        ],
      },
    ]);
    const punctuation = await upload(stack.baseUrl, audioPath('jfk.wav'), {
      append_punctuations: '.'.repeat(60_000),
      prepend_punctuations: '¿'.repeat(65),
    });
    expect(punctuation.status).toBe(400);
    expect(punctuation.body.details).toEqual([
      {
        field: 'prepend_punctuations',
        problems: ['prepend_punctuations must be shorter than or equal to 64 characters'],
      },
      {
        field: 'append_punctuations',
        problems: ['append_punctuations must be shorter than or equal to 64 characters'],
      },
    ]);
    expect(await stack.storedUploads()).toEqual(storedBefore);
  });

  it('speech_pad_ms=0 gives the raw VAD regions; the default pads them by 0.2 s', async () => {
    const raw = await transcribe({ speech_pad_ms: '0' });
    expectSpeechRegions(raw.result.segments, JFK_REGIONS, 0.05);
    const padded = await transcribe({});
    padded.result.segments.forEach((segment: any, i: number) => {
      expect(segment.start).toBeCloseTo(Math.max(0, raw.result.segments[i].start - 0.2), 2);
      expect(segment.end).toBeCloseTo(Math.min(11, raw.result.segments[i].end + 0.2), 2);
    });
  });

  it('clip_timestamps: only the given ranges are transcribed, with times from the start of the file', async () => {
    const task = await transcribe({ clip_timestamps: '5,8', speech_pad_ms: '0' });
    expect(task.result.segments.length).toBeGreaterThan(0);
    for (const segment of task.result.segments) {
      expect(segment.start).toBeGreaterThanOrEqual(5);
      expect(segment.end).toBeLessThanOrEqual(8);
    }
    expect(task.result.segments[0].start).toBeCloseTo(5.37, 1);
  });

  it('vad_filter=false with chunk_length: fixed windows over the whole file', async () => {
    const task = await transcribe({ vad_filter: 'false', chunk_length: '4' });
    expect(task.result.segments.map((s: any) => [s.start, s.end])).toEqual([
      [0, 4],
      [4, 8],
      [8, 11],
    ]);
  });

  it('VAD options change the segmentation: a long min_silence_duration_ms joins the pauses of jfk.wav', async () => {
    const task = await transcribe({ min_silence_duration_ms: '3500', speech_pad_ms: '0' });
    expect(task.result.segments).toHaveLength(1);
    expectWellFormedSegments(task.result.segments, task.duration);
  });

  it('GET /api/v1/engine lists models, device and option support', async () => {
    const { status, body } = await getJson(stack.baseUrl, '/api/v1/engine');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      engine: 'sherpa-onnx',
      active_model: stack.env.ASR_MODEL,
      provider: 'cpu',
      device: 'cpu',
      vad_model: 'silero_vad.onnx',
    });
    expect(body.models).toContain(stack.env.ASR_MODEL);
    expect(body.languages).toContain('zh');
    expect(body.options.beam_size).toEqual({
      default: 1,
      supported: false,
      reason: expect.stringMatching(/greedy-only/),
    });
    expect(body.options.clip_timestamps).toEqual({ default: '0', supported: true });
    expect(Object.keys(body.options).sort()).toEqual(Object.keys(DEFAULT_DECODE_OPTIONS).sort());
  });
});
