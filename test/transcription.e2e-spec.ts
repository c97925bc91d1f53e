import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForTask } from './support/api-client';
import { audioPath, isTestDouble, testModel } from './support/env';
import { TestStack } from './support/stack';
import { expectSpeechRegions, expectWellFormedSegments } from './support/transcript-checks';
import { wordErrorRate } from './support/wer';

/** Speech regions of jfk.wav found by Silero VAD v5 (../shared/audio/README.md). */
const JFK_REGIONS: [number, number][] = [
  [0.29, 2.28],
  [5.37, 7.66],
  [8.16, 10.94],
];

const references = JSON.parse(readFileSync(audioPath('references.json'), 'utf8'));

describe('upload → transcript, through the real api, processor, Postgres, Redis, ffmpeg and sherpa-onnx', () => {
  let stack: TestStack;

  beforeAll(async () => {
    if (isTestDouble()) {
      console.log(
        `Word error rate and language detection are not asserted: ASR_MODEL=${testModel()} is a test double that always outputs the same sentence. Point MODELS_DIR/ASR_MODEL at a real Whisper model to run them.`,
      );
    }
    stack = await TestStack.running();
  });
  afterAll(() => stack?.destroy());

  async function transcribe(path: string, fields: Record<string, string> = {}) {
    const created = await upload(stack.baseUrl, path, fields);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { created: created.body, ...(await waitForTask(stack.baseUrl, created.body.id)) };
  }

  it('accepts an upload as a queued task with the documented fields', async () => {
    const { status, body } = await upload(stack.baseUrl, audioPath('jfk.wav'), { priority: 'high' });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      status: 'queued',
      task: 'transcribe',
      language: null,
      priority: 'high',
      source: 'upload',
      file_name: 'jfk.wav',
      file_size_bytes: 352078,
      progress: 0,
      result: null,
      error: null,
    });
    expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.duration).toBeCloseTo(11.0, 2);
    expect(Date.parse(body.created_at)).not.toBeNaN();
    await waitForTask(stack.baseUrl, body.id);
  });

  it('jfk.wav: segments follow the VAD speech regions, with timing and engine recorded', async () => {
    const { task, statuses } = await transcribe(audioPath('jfk.wav'));
    expect(task.status, task.error).toBe('completed');
    expect(statuses.at(-1)).toBe('completed');
    expect(task.progress).toBe(100);
    expect(task.engine).toContain(`whisper-${testModel()}`);
    expect(Date.parse(task.started_at)).toBeGreaterThanOrEqual(Date.parse(task.created_at));
    expect(Date.parse(task.completed_at)).toBeGreaterThanOrEqual(Date.parse(task.started_at));
    expect(task.processing_time).toBeGreaterThan(0);
    expect(task.result.duration).toBeCloseTo(11.0, 1);
    expectWellFormedSegments(task.result.segments, task.duration);
    expectSpeechRegions(task.result.segments, JFK_REGIONS);
    expect(task.result.text).toBe(task.result.segments.map((s: { text: string }) => s.text).join(' '));
    expect(task.result.language).toBe('en'); // detected on the first speech
  });

  it('jfk.mp3 decodes to the same speech regions', async () => {
    const { task } = await transcribe(audioPath('jfk.mp3'));
    expect(task.status, task.error).toBe('completed');
    expectWellFormedSegments(task.result.segments, task.duration);
    expectSpeechRegions(task.result.segments, JFK_REGIONS);
  });

  it('an mp4 with a video stream: the audio track is transcribed', async () => {
    const mp4 = join(stack.env.STORAGE_DIR, 'jfk-video.mp4');
    execFileSync('ffmpeg', [
      ...'-v error -y -f lavfi -i color=c=blue:s=160x120:r=10 -i'.split(' '),
      audioPath('jfk.wav'),
      ...'-shortest -c:v libx264 -c:a aac -ar 44100 -ac 2'.split(' '),
      mp4,
    ]);
    const { created, task } = await transcribe(mp4);
    expect(created.file_name).toBe('jfk-video.mp4');
    expect(task.status, task.error).toBe('completed');
    expectWellFormedSegments(task.result.segments, task.duration);
    expectSpeechRegions(task.result.segments, JFK_REGIONS);
  });

  it('stereo_diarization.wav: both channels are downmixed and transcribed', async () => {
    const { task } = await transcribe(audioPath('stereo_diarization.wav'));
    expect(task.status, task.error).toBe('completed');
    expect(task.duration).toBeCloseTo(5.0, 1);
    expectWellFormedSegments(task.result.segments, task.duration);
  });

  it('long-en-concat-16k.wav (157 s): split into ≤30 s segments covering all 13 pieces, with progress reported', async () => {
    const { task, progress, statuses } = await transcribe(audioPath('long-en-concat-16k.wav'));
    expect(task.status, task.error).toBe('completed');
    expect(task.duration).toBeCloseTo(157.15, 1);
    expectWellFormedSegments(task.result.segments, task.duration);
    const pieces: { start: number; end: number; source: string }[] = references['long-en-concat-16k.wav'].segments;
    expect(pieces).toHaveLength(13);
    for (const piece of pieces) {
      const starts = task.result.segments.filter(
        (s: { start: number }) => s.start >= piece.start - 0.5 && s.start < piece.end,
      );
      expect(starts.length, `a segment starting in ${piece.source} (${piece.start}–${piece.end} s)`).toBeGreaterThan(0);
    }
    // Progress only goes up, and was seen between 0 and 100 while processing.
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
    expect(statuses).toContain('processing');
  });

  it('language: "zh" is carried to the result', async () => {
    const { task } = await transcribe(audioPath('zh-funasr-0.wav'), { language: 'zh' });
    expect(task.status, task.error).toBe('completed');
    expect(task.language).toBe('zh');
    expect(task.result.language).toBe('zh');
    expect(task.result.text).toBe(task.result.segments.map((s: { text: string }) => s.text).join('')); // no spaces between Chinese segments
  });

  it('task: "translate" is stored and completes', async () => {
    const { created, task } = await transcribe(audioPath('zh-funasr-0.wav'), { task: 'translate' });
    expect(created.task).toBe('translate');
    expect(task.status, task.error).toBe('completed');
  });

  it.skipIf(isTestDouble())('word error rate on jfk.wav is below 15% with a real model', async () => {
    const { task } = await transcribe(audioPath('jfk.wav'), { language: 'en' });
    expect(wordErrorRate(references['jfk.wav'].text, task.result.text)).toBeLessThan(0.15);
  });

  it.skipIf(isTestDouble())('the language of a Mandarin clip is detected with a real model', async () => {
    const { task } = await transcribe(audioPath('zh-funasr-1.wav'));
    expect(task.result.language).toBe('zh');
  });
});
