/**
 * `npm run bench` — speed and memory of the transcription pipeline (prints figures; asserts nothing).
 * Use the timing stand-in `ASR_MODEL=tiny-shaped-testonly` (or a real model) for figures that mean
 * something. Every figure is the minimum and the median of BENCH_RUNS runs (default 3); variants
 * are interleaved run by run and compared as ratios within this run. BENCH_ONLY (a comma list of
 * `windows`, `throughput`, `end-to-end`, `diarization`) runs some sections only.
 *
 * 1. Windows: the 157 s `long-en-concat-16k.wav` and a 30 min file (that file looped by ffmpeg),
 *    each variant in a fresh process (so its peak RSS is its own):
 *    - per-chunk: every VAD region decoded alone, 1 recognizer × 2 threads (main before packing);
 *    - packed, serial: regions packed into ≤ 29 s windows, 1 recognizer × 2 threads;
 *    - packed, parallel: the same windows over a pool of one 1-thread recognizer per core.
 *    Prints windows, decoder runs, encoder-seconds fed (sherpa-onnx pads each decode by 10 s, up
 *    to 30 s), wall time, RTF (wall ÷ audio) and peak RSS (VmHWM).
 * 2. Throughput: 20 files of 30–160 s submitted at once to the engine, tasks taken
 *    WORKER_CONCURRENCY at a time: main's default (per-chunk, 1 × 2 threads, 1 task at once)
 *    against packed windows with 1 × 2 threads and with a pool of 2 × 1 thread (2 tasks at once).
 * 3. End to end with the defaults: upload → `completed` through a real api, Redis, Postgres and
 *    a fresh processor, for both files: wall time and the processor's peak RSS, which must not
 *    grow with the file's length.
 * 4. Speaker diarization (models from DIARIZATION_*_MODEL; the test doubles of ../shared/models
 *    when the real ones are absent), for both files: the diarization alone in a fresh process
 *    (wall, RTF, peak RSS) and end to end with `diarize=true` (the processor's peak RSS).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsrEngine, type AsrEngineOptions, Diarizer, PcmRecorder } from '@app/asr-engine';
import { loadConfig } from '@app/config';
import { decodePcm, probeMedia } from '@app/media';
import { upload, waitForTask } from '../test/support/api-client';
import { audioPath } from '../test/support/env';
import { TestStack } from '../test/support/stack';

type EngineSetup = Pick<AsrEngineOptions, 'windowing' | 'poolSize' | 'numThreads'>;

const CORES = availableParallelism();
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const WINDOW_VARIANTS: Record<string, EngineSetup> = {
  'per-chunk (main)': { windowing: 'per-region', poolSize: 1, numThreads: 2 },
  'packed, serial': { windowing: 'packed', poolSize: 1, numThreads: 2 },
  [`packed, parallel (${CORES} × 1 thread)`]: { windowing: 'packed', poolSize: CORES, numThreads: 1 },
};

const THROUGHPUT_VARIANTS: Record<string, EngineSetup & { tasksAtOnce: number }> = {
  'main default: per-chunk, 1 × 2 threads, 1 task': {
    windowing: 'per-region',
    poolSize: 1,
    numThreads: 2,
    tasksAtOnce: 1,
  },
  'packed, 1 × 2 threads, 1 task': { windowing: 'packed', poolSize: 1, numThreads: 2, tasksAtOnce: 1 },
  'packed, 2 × 1 thread, 2 tasks': { windowing: 'packed', poolSize: 2, numThreads: 1, tasksAtOnce: 2 },
};

/** What one child process measured. */
interface Measured {
  audio: number;
  wall: number;
  windows: number;
  decodes: number;
  encoderSeconds: number;
  peakRssMiB: number;
}

function peakRssMiB(pid: number | 'self' = 'self'): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return hwm ? Number(hwm[1]) / 1024 : NaN;
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
}

function thirtyMinuteFile(): string {
  const path = join(tmpdir(), 'hark-bench-30min.wav');
  if (!existsSync(path))
    ffmpeg([
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
  return path;
}

/** 20 files of 30–160 s, cut from the looped file at different offsets. */
function throughputFiles(): string[] {
  const dir = join(tmpdir(), 'hark-bench-20');
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: 20 }, (_, i) => {
    const length = Math.round(30 + (130 * i) / 19);
    const path = join(dir, `${i}-${length}s.wav`);
    if (!existsSync(path)) ffmpeg(['-ss', String(i * 37), '-t', String(length), '-i', thirtyMinuteFile(), path]);
    return path;
  });
}

async function loadEngine(setup: EngineSetup): Promise<AsrEngine> {
  const config = loadConfig();
  return AsrEngine.load({
    modelsDir: config.modelsDir,
    model: config.asrModel,
    vadModel: config.vadModel,
    provider: config.asrProvider,
    ...setup,
  });
}

/** Child: transcribes `files`, `tasksAtOnce` at a time, and reports the totals. */
async function child(setup: EngineSetup & { tasksAtOnce: number }, files: string[]): Promise<Measured> {
  const engine = await loadEngine(setup);
  const measured: Measured = { audio: 0, wall: 0, windows: 0, decodes: 0, encoderSeconds: 0, peakRssMiB: 0 };
  const queue = [...files];
  const started = performance.now();
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const transcript = await engine.transcribe(
        decodePcm(file),
        { language: 'en' },
        {
          onWindow: (report) => {
            measured.windows++;
            measured.decodes += report.decodes;
            measured.encoderSeconds += report.encoderSeconds;
          },
        },
      );
      measured.audio += transcript.duration;
    }
  };
  await Promise.all(Array.from({ length: setup.tasksAtOnce }, worker));
  measured.wall = (performance.now() - started) / 1000;
  measured.peakRssMiB = peakRssMiB();
  return measured;
}

/** Runs `child()` (or `diarizeChild()` when `setup` is null) in a fresh process. */
function inChild(
  setup: (EngineSetup & { tasksAtOnce: number }) | null,
  files: string[],
  env: Record<string, string> = {},
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      'npx',
      ['vite-node', '-c', 'vitest.config.ts', 'bench/bench.ts', '--', '--child', JSON.stringify({ setup, files })],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, ...env },
      },
    );
    let out = '';
    proc.stdout.on('data', (data: Buffer) => (out += data.toString()));
    proc.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('MEASURED '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('MEASURED '.length)) as Measured);
      else reject(new Error(`bench child exited with ${code}: ${out}`));
    });
  });
}

const min = (values: number[]) => Math.min(...values);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const f = (value: number, digits = 2) => value.toFixed(digits);

async function windowsTable(files: string[]): Promise<void> {
  console.log('\n## Windows: per-chunk vs packed serial vs packed parallel\n');
  console.log(
    '| file | variant | windows | decodes | encoder-s fed | wall s (min / median) | RTF (median) | speed-up vs per-chunk (median) | peak RSS MiB (max) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const file of files) {
    const runs: Record<string, Measured[]> = {};
    for (let run = 0; run < RUNS; run++)
      for (const [name, setup] of Object.entries(WINDOW_VARIANTS))
        (runs[name] ??= []).push(await inChild({ ...setup, tasksAtOnce: 1 }, [file]));
    const base = median(Object.values(runs)[0].map((m) => m.wall));
    for (const [name, measured] of Object.entries(runs)) {
      const walls = measured.map((m) => m.wall);
      const [first] = measured;
      console.log(
        `| ${file.split('/').pop()} (${f(first.audio, 0)} s) | ${name} | ${first.windows} | ${first.decodes} | ${f(first.encoderSeconds, 0)} | ${f(min(walls))} / ${f(median(walls))} | ${f(median(walls) / first.audio, 4)} | ${f(base / median(walls))}× | ${f(Math.max(...measured.map((m) => m.peakRssMiB)), 0)} |`,
      );
    }
  }
}

async function throughputTable(): Promise<void> {
  const files = throughputFiles();
  console.log(`\n## Throughput: ${files.length} files of 30–160 s submitted at once\n`);
  console.log(
    '| setup | audio s | wall s (min / median) | audio s per wall s (median) | vs main default | peak RSS MiB (max) |',
  );
  console.log('|---|---|---|---|---|---|');
  const runs: Record<string, Measured[]> = {};
  for (let run = 0; run < RUNS; run++)
    for (const [name, setup] of Object.entries(THROUGHPUT_VARIANTS))
      (runs[name] ??= []).push(await inChild(setup, files));
  const base = median(Object.values(runs)[0].map((m) => m.audio / m.wall));
  for (const [name, measured] of Object.entries(runs)) {
    const walls = measured.map((m) => m.wall);
    const rate = median(measured.map((m) => m.audio / m.wall));
    console.log(
      `| ${name} | ${f(measured[0].audio, 0)} | ${f(min(walls))} / ${f(median(walls))} | ${f(rate)} | ${f(rate / base)}× | ${f(Math.max(...measured.map((m) => m.peakRssMiB)), 0)} |`,
    );
  }
}

async function endToEnd(
  file: string,
  fields: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<{ wall: number; processingTime: number; peakRssMiB: number }> {
  const stack = await TestStack.create(env);
  try {
    await stack.startApi();
    const processor = await stack.startProcessor();
    const started = Date.now();
    const { body } = await upload(stack.baseUrl, file, { language: 'en', ...fields });
    // Poll rarely (2 s) so the poller does not compete for the CPU; completed_at is exact.
    const { task } = await waitForTask(stack.baseUrl, body.id, ['completed', 'failed'], 3_600_000, 2000);
    if (task.status !== 'completed') throw new Error(`bench task failed: ${task.error}`);
    const wall = (Date.parse(task.completed_at) - started) / 1000;
    return { wall, processingTime: task.processing_time, peakRssMiB: peakRssMiB(processor.pid) };
  } finally {
    await stack.destroy();
  }
}

async function endToEndTable(files: string[]): Promise<void> {
  const config = loadConfig();
  console.log(
    `\n## End to end with the defaults (${config.asrPoolSize} recognizers × ${config.asrThreads} threads, ${config.workerConcurrency} tasks at once)\n`,
  );
  console.log('| file | audio s | wall s | RTF | processor processing_time s | processor peak RSS MiB |');
  console.log('|---|---|---|---|---|---|');
  for (const file of files) {
    const audio = (await probeMedia(file)).duration;
    const run = await endToEnd(file);
    console.log(
      `| ${file.split('/').pop()} | ${f(audio, 1)} | ${f(run.wall)} | ${f(run.wall / audio, 4)} | ${f(run.processingTime)} | ${f(run.peakRssMiB, 0)} |`,
    );
  }
}

/** The diarization models to use: the configured ones, or the test doubles beside the Whisper ones. */
function diarizationEnv(): Record<string, string> {
  const config = loadConfig();
  if (existsSync(config.diarizationSegmentationModel) && existsSync(config.diarizationEmbeddingModel)) return {};
  return {
    DIARIZATION_SEGMENTATION_MODEL: 'sherpa-onnx-pyannote-segmentation-testonly/model.onnx',
    DIARIZATION_EMBEDDING_MODEL: 'speaker-embedding-testonly/speaker-embedding-testonly.onnx',
  };
}

/** Child: diarizes one file (decoded by ffmpeg first) and reports wall time and peak RSS. */
async function diarizeChild(file: string): Promise<Measured> {
  const config = loadConfig();
  const recorder = new PcmRecorder(config.diarizationMaxSeconds);
  for await (const samples of decodePcm(file)) recorder.append(samples);
  const diarizer = Diarizer.load({
    segmentationModel: config.diarizationSegmentationModel,
    embeddingModel: config.diarizationEmbeddingModel,
    numThreads: config.asrThreads,
    provider: config.asrProvider,
  });
  const started = performance.now();
  const turns = await diarizer.diarize(recorder.toFloat32(), { numSpeakers: null, threshold: 0.5 });
  const wall = (performance.now() - started) / 1000;
  return {
    audio: recorder.seconds,
    wall,
    windows: turns.length,
    decodes: 0,
    encoderSeconds: 0,
    peakRssMiB: peakRssMiB(),
  };
}

async function diarizationTable(files: string[]): Promise<void> {
  const env = diarizationEnv();
  console.log(
    `\n## Speaker diarization (${Object.keys(env).length ? 'test doubles' : 'configured models'}; ${RUNS} runs)\n`,
  );
  console.log(
    '| file | audio s | diarization wall s (min / median) | RTF (median) | peak RSS MiB, diarization alone | processor peak RSS MiB, end to end with diarize=true |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const file of files) {
    const runs: Measured[] = [];
    for (let run = 0; run < RUNS; run++) runs.push(await inChild(null, [file], env));
    const walls = runs.map((m) => m.wall);
    const e2e = await endToEnd(file, { diarize: 'true' }, env);
    console.log(
      `| ${file.split('/').pop()} | ${f(runs[0].audio, 1)} | ${f(min(walls))} / ${f(median(walls))} | ${f(median(walls) / runs[0].audio, 4)} | ${f(Math.max(...runs.map((m) => m.peakRssMiB)), 0)} | ${f(e2e.peakRssMiB, 0)} |`,
    );
  }
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--child');
  if (at > 0) {
    const { setup, files } = JSON.parse(process.argv[at + 1]) as {
      setup: (EngineSetup & { tasksAtOnce: number }) | null;
      files: string[];
    };
    const measured = setup ? await child(setup, files) : await diarizeChild(files[0]);
    console.log(`MEASURED ${JSON.stringify(measured)}`);
    return;
  }
  const config = loadConfig();
  console.log(`Model ${config.asrModel}; CPU: ${CORES} cores; ${RUNS} runs of each variant`);
  const files = [audioPath('long-en-concat-16k.wav'), thirtyMinuteFile()];
  // BENCH_ONLY=windows,throughput,end-to-end,diarization runs some of the sections.
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
  const wanted = (section: string) => !only || only.includes(section);
  if (wanted('windows')) await windowsTable(files);
  if (wanted('throughput')) await throughputTable();
  if (wanted('end-to-end')) await endToEndTable(files);
  if (wanted('diarization')) await diarizationTable(files);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
