import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@plussub/srt-vtt-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { FixtureServer } from './support/fixture-server';
import { type AppProcess, TestStack } from './support/stack';
import { waitFor } from './support/wait';

/**
 * Speaker diarization with the test doubles of ../shared/models (see its README): the segmentation
 * double is an energy VAD with one local speaker per 10 s window, the embedding double log-mel
 * statistics. With 2 speakers they tell JFK from the Mandarin speaker in
 * jfk.wav + 1 s silence + zh-funasr-0.wav + 1 s silence + jfk.wav; threshold clustering at 0.5 does not.
 */
const DIARIZATION_DOUBLES = {
  DIARIZATION_SEGMENTATION_MODEL: 'sherpa-onnx-pyannote-segmentation-testonly/model.onnx',
  DIARIZATION_EMBEDDING_MODEL: 'speaker-embedding-testonly/speaker-embedding-testonly.onnx',
};

const dir = mkdtempSync(join(tmpdir(), 'hark-diarization-'));

/** Concatenates 16 kHz mono pieces (files, or numbers = seconds of silence) into one WAV. */
function concat(name: string, pieces: (string | number)[]): string {
  const out = join(dir, name);
  const inputs = pieces.flatMap((piece) =>
    typeof piece === 'number'
      ? ['-f', 'lavfi', '-t', String(piece), '-i', 'anullsrc=r=16000:cl=mono']
      : ['-i', audioPath(piece)],
  );
  const filter = `${pieces.map((_, i) => `[${i}:a]aresample=16000,aformat=channel_layouts=mono[a${i}]`).join(';')};${pieces.map((_, i) => `[a${i}]`).join('')}concat=n=${pieces.length}:v=0:a=1[out]`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...inputs, '-filter_complex', filter, '-map', '[out]', out]);
  return out;
}

interface Segment {
  start: number;
  end: number;
  text: string;
  speaker?: string;
}

describe('speaker diarization', () => {
  let stack: TestStack;
  let processor: AppProcess;
  let conversation: string;
  /** Where the pieces of `conversation` lie, in seconds. */
  let zh: [number, number];
  let secondJfk: number;

  beforeAll(async () => {
    conversation = concat('conversation.wav', ['jfk.wav', 1, 'zh-funasr-0.wav', 1, 'jfk.wav']);
    const jfk = 11;
    const mandarin = Number(
      execFileSync('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'format=duration',
        '-of',
        'csv=p=0',
        audioPath('zh-funasr-0.wav'),
      ])
        .toString()
        .trim(),
    );
    zh = [jfk + 1, jfk + 1 + mandarin];
    secondJfk = zh[1] + 1;
    stack = await TestStack.create(DIARIZATION_DOUBLES);
    await stack.startApi();
    processor = await stack.startProcessor();
  });
  afterAll(() => stack?.destroy());

  async function diarized(fields: Record<string, string>): Promise<any> {
    const { status, body } = await upload(stack.baseUrl, conversation, { diarize: 'true', ...fields });
    expect(status, JSON.stringify(body)).toBe(201);
    const { task } = await waitForTask(stack.baseUrl, body.id);
    expect(task.status, task.error).toBe('completed');
    return task;
  }

  const speakerOf = (segments: Segment[], from: number, to: number) => [
    ...new Set(segments.filter((s) => s.start >= from - 0.5 && s.end <= to + 0.5).map((s) => s.speaker)),
  ];

  it('num_speakers=2: each piece gets its speaker, and both JFK pieces share one label', async () => {
    const task = await diarized({ num_speakers: '2' });
    const segments: Segment[] = task.result.segments;
    const first = speakerOf(segments, 0, 11);
    const mandarin = speakerOf(segments, zh[0], zh[1]);
    const last = speakerOf(segments, secondJfk, secondJfk + 11);
    expect(first).toEqual(['SPEAKER_00']);
    expect(mandarin).toEqual(['SPEAKER_01']);
    expect(last).toEqual(['SPEAKER_00']);
    expect(task.result.speakers.map((s: { speaker: string }) => s.speaker)).toEqual(['SPEAKER_00', 'SPEAKER_01']);
    for (const summary of task.result.speakers) {
      const own = segments.filter((s) => s.speaker === summary.speaker);
      expect(summary.speaking_time).toBeCloseTo(
        own.reduce((sum, s) => sum + s.end - s.start, 0),
        2,
      );
    }
  });

  it('threshold clustering at 0.5 does not separate them (the doubles are crude)', async () => {
    const task = await diarized({ diarization_threshold: '0.5' });
    expect(task.result.speakers).toHaveLength(1);
    expect(new Set(task.result.segments.map((s: Segment) => s.speaker))).toEqual(new Set(['SPEAKER_00']));
  });

  it('every output carries the speakers, and renaming changes them all', async () => {
    const task = await diarized({ num_speakers: '2' });
    const get = async (query: string) =>
      (await fetch(`${stack.baseUrl}/api/v1/tasks/${task.id}/subtitles?${query}`)).text();

    const srt = await get('format=srt');
    expect(parse(srt).entries.every((cue: { text: string }) => /^\[SPEAKER_0[01]\] /.test(cue.text))).toBe(true);
    expect(await get('format=vtt')).toMatch(/\n<v SPEAKER_01>/);
    expect((await get('format=txt')).split('\n').filter(Boolean)[0]).toMatch(/^\[SPEAKER_00\] /);

    const renamed = await fetch(`${stack.baseUrl}/api/v1/tasks/${task.id}/speakers`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ SPEAKER_00: 'Kennedy', SPEAKER_01: '普通话' }),
    });
    expect(renamed.status).toBe(200);
    const body: any = await renamed.json();
    expect(body.result.speakers.map((s: { speaker: string }) => s.speaker)).toEqual(['Kennedy', '普通话']);
    expect(await get('format=srt')).toMatch(/\[Kennedy\] /);
    expect(await get('format=vtt')).toMatch(/<v 普通话>/);

    const { body: openai } = await upload(
      stack.baseUrl,
      conversation,
      { model: 'whisper-1', response_format: 'diarized_json' },
      '/v1/audio/transcriptions',
    );
    expect(openai.task).toBe('transcribe');
    expect(openai.segments.length).toBeGreaterThan(2);
    for (const segment of openai.segments) {
      expect(Object.keys(segment).sort()).toEqual(['end', 'id', 'speaker', 'start', 'text', 'type']);
      expect(segment.type).toBe('transcript.text.segment');
    }
    expect(new Set(openai.segments.map((s: Segment) => s.speaker)).size).toBeGreaterThanOrEqual(1);
  });

  it('renaming is validated: unknown labels and empty names are 400', async () => {
    const task = await diarized({ num_speakers: '2' });
    const patch = (names: Record<string, string>) =>
      fetch(`${stack.baseUrl}/api/v1/tasks/${task.id}/speakers`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(names),
      });
    const unknown = await patch({ SPEAKER_07: 'Nobody' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toMatch(/SPEAKER_07.*SPEAKER_00/s);
    expect((await patch({ SPEAKER_00: '  ' })).status).toBe(400);
  });

  it('the length cap: a known duration above DIARIZATION_MAX_SECONDS is refused with 422 at creation', async () => {
    const capped = await TestStack.create({ ...DIARIZATION_DOUBLES, DIARIZATION_MAX_SECONDS: '20' });
    try {
      await capped.startApi();
      const { status, body } = await upload(capped.baseUrl, conversation, { diarize: 'true' });
      expect(status).toBe(422);
      expect(JSON.stringify(body)).toMatch(/DIARIZATION_MAX_SECONDS/);
      expect((await upload(capped.baseUrl, audioPath('jfk.wav'), { diarize: 'true' })).status).toBe(201);
    } finally {
      await capped.destroy();
    }
  });

  it('the length cap when the duration is not known at creation (a media URL): the task fails at once, saying why', async () => {
    const wav = readFileSync(conversation);
    const media = await new FixtureServer()
      .route('/talk.wav', (_req, _body, res) =>
        res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length }).end(wav),
      )
      .start();
    const capped = await TestStack.create({
      ...DIARIZATION_DOUBLES,
      DIARIZATION_MAX_SECONDS: '20',
      ALLOWED_URL_HOSTS: '127.0.0.1',
    });
    try {
      await capped.startApi();
      await capped.startProcessor();
      const { status, body } = await upload(capped.baseUrl, null, {
        file_url: `${media.baseUrl}/talk.wav`,
        diarize: 'true',
      });
      expect(status, JSON.stringify(body)).toBe(201);
      const { task } = await waitForTask(capped.baseUrl, body.id);
      expect(task).toMatchObject({ status: 'failed', error_code: 'too_long' });
      expect(task.error).toMatch(/DIARIZATION_MAX_SECONDS \(20 s/);
      const [row] = await capped.sql<{ attempts: number }>('SELECT attempts FROM tasks WHERE id = $1', [body.id]);
      expect(row.attempts).toBe(1);
    } finally {
      await capped.destroy();
      await media.stop();
    }
  });

  it('diarize=true is refused with 422 naming what is missing when the models are not installed', async () => {
    const bare = await TestStack.create({ DIARIZATION_SEGMENTATION_MODEL: 'nowhere/model.onnx' });
    try {
      await bare.startApi();
      const { status, body } = await upload(bare.baseUrl, audioPath('jfk.wav'), { diarize: 'true' });
      expect(status).toBe(422);
      expect(JSON.stringify(body)).toMatch(/models:download -- diarization/);
      const { body: engine } = await getJson(bare.baseUrl, '/api/v1/engine');
      expect(engine.diarization.available).toBe(false);
    } finally {
      await bare.destroy();
    }
  });

  it('a health probe answers within 200 ms while a 10 min file is diarized', async () => {
    // 4 × (157 s + 5.5 s): about 11 min.
    const long = concat(
      'ten-minutes.wav',
      Array.from({ length: 8 }, (_, i) => (i % 2 ? 'zh-funasr-0.wav' : 'long-en-concat-16k.wav')),
    );
    const { body } = await upload(stack.baseUrl, long, { diarize: 'true', num_speakers: '2' });
    await waitFor(async () => (await getJson(stack.baseUrl, `/api/v1/tasks/${body.id}`)).body, {
      until: (task) => task.progress >= 80 || (task.status !== 'processing' && task.status !== 'queued'),
      what: 'the task in its diarization phase',
      timeoutMs: 300_000,
    });
    let slowest = 0;
    let probes = 0;
    for (;;) {
      const { body: task } = await getJson(stack.baseUrl, `/api/v1/tasks/${body.id}`);
      if (task.status !== 'processing') break;
      const started = performance.now();
      expect((await fetch(`${processor.healthUrl}/health/live`)).status).toBe(200);
      slowest = Math.max(slowest, performance.now() - started);
      probes++;
      await new Promise((done) => setTimeout(done, 100));
    }
    const { task } = await waitForTask(stack.baseUrl, body.id);
    expect(task.status, task.error).toBe('completed');
    expect(probes).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(200);
  });

  it('GET /api/v1/engine says diarization is available', async () => {
    const { body } = await getJson(stack.baseUrl, '/api/v1/engine');
    expect(body.diarization.available).toBe(true);
    expect(body.options.diarize.supported).toBe(true);
  });
});
