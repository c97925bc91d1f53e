/**
 * `npm run bench` — speed and memory of the transcription pipeline (prints figures; asserts nothing).
 *
 * For each file (the 157 s `long-en-concat-16k.wav` and a 30 min file made by looping it with
 * ffmpeg), with the model from MODELS_DIR / ASR_MODEL:
 *  1. engine only: ffmpeg decode → Silero VAD → sherpa-onnx Whisper, in this process;
 *  2. end to end: upload → `completed` through a real api, Redis, Postgres and a fresh processor.
 * Prints audio seconds, wall seconds, real-time factor (RTF = wall ÷ audio), the ratio end-to-end
 * ÷ engine, and the processor's peak RSS (VmHWM from /proc). Use the timing stand-in
 * `tiny-shaped-testonly` (or a real model) for figures that mean something.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsrEngine } from '@app/asr-engine';
import { loadConfig } from '@app/config';
import { decodePcm, probeMedia } from '@app/media';
import { upload, waitForTask } from '../test/support/api-client';
import { audioPath } from '../test/support/env';
import { TestStack } from '../test/support/stack';

interface Row {
  file: string;
  audio: number;
  engineWall: number;
  e2eWall: number;
  processingTime: number;
  peakRssMiB: number;
  segments: number;
}

function thirtyMinuteFile(): string {
  const path = join(tmpdir(), 'hark-bench-30min.wav');
  if (!existsSync(path)) {
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-stream_loop',
      '12',
      '-i',
      audioPath('long-en-concat-16k.wav'),
      '-t',
      '1800',
      '-ac',
      '1',
      '-ar',
      '16000',
      path,
    ]);
  }
  return path;
}

async function engineOnly(engine: AsrEngine, file: string): Promise<{ wall: number; segments: number }> {
  const started = performance.now();
  const transcript = await engine.transcribe(decodePcm(file), { task: 'transcribe', language: 'en' });
  return { wall: (performance.now() - started) / 1000, segments: transcript.segments.length };
}

async function endToEnd(file: string): Promise<{ wall: number; processingTime: number; peakRssMiB: number }> {
  const stack = await TestStack.create();
  try {
    await stack.startApi();
    const processor = await stack.startProcessor();
    const started = Date.now();
    const { body } = await upload(stack.baseUrl, file, { language: 'en' });
    // Poll rarely (2 s) so the poller does not compete for the CPU; completed_at is exact.
    const { task } = await waitForTask(stack.baseUrl, body.id, ['completed', 'failed'], 3_600_000, 2000);
    const wall = (Date.parse(task.completed_at) - started) / 1000;
    if (task.status !== 'completed') throw new Error(`bench task failed: ${task.error}`);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${processor.pid}/status`, 'utf8'));
    return { wall, processingTime: task.processing_time, peakRssMiB: hwm ? Number(hwm[1]) / 1024 : NaN };
  } finally {
    await stack.destroy();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const engine = await AsrEngine.load({
    modelsDir: config.modelsDir,
    model: config.asrModel,
    vadModel: config.vadModel,
    provider: config.asrProvider,
    numThreads: config.asrThreads,
    concurrency: 1,
  });
  console.log(
    `Model ${engine.info.name}, ${config.asrThreads} threads; CPU: ${execFileSync('nproc').toString().trim()} cores`,
  );
  const rows: Row[] = [];
  for (const file of [audioPath('long-en-concat-16k.wav'), thirtyMinuteFile()]) {
    const audio = (await probeMedia(file)).duration;
    console.log(`\n${file} (${audio.toFixed(1)} s)`);
    const engineRun = await engineOnly(engine, file);
    console.log(`  engine only: ${engineRun.wall.toFixed(2)} s`);
    const e2e = await endToEnd(file);
    console.log(
      `  end to end:  ${e2e.wall.toFixed(2)} s (processor's processing_time ${e2e.processingTime.toFixed(2)} s), peak RSS ${e2e.peakRssMiB.toFixed(0)} MiB`,
    );
    rows.push({
      file: file.split('/').pop()!,
      audio,
      engineWall: engineRun.wall,
      e2eWall: e2e.wall,
      processingTime: e2e.processingTime,
      peakRssMiB: e2e.peakRssMiB,
      segments: engineRun.segments,
    });
  }
  console.log(
    '\n| file | audio s | engine s | engine RTF | end-to-end s | end-to-end RTF | e2e ÷ engine | processor peak RSS |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.file} | ${r.audio.toFixed(1)} | ${r.engineWall.toFixed(2)} | ${(r.engineWall / r.audio).toFixed(4)} | ${r.e2eWall.toFixed(2)} | ${(r.e2eWall / r.audio).toFixed(4)} | ${(r.e2eWall / r.engineWall).toFixed(3)} | ${r.peakRssMiB.toFixed(0)} MiB |`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
