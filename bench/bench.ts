/**
 * `npm run bench` — speed and memory of the transcription pipeline (prints figures; asserts nothing).
 * Use the timing stand-in `ASR_MODEL=tiny-shaped-testonly` (or a real model) for figures that mean
 * something. Every figure is the minimum and the median of BENCH_RUNS runs (default 3); variants
 * are interleaved run by run and compared as ratios within this run. BENCH_ONLY (a comma list of
 * `windows`, `throughput`, `end-to-end`, `diarization`, `devices`) runs some sections only; `devices`
 * runs only when named.
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
 * 5. Devices (`BENCH_ONLY=devices`), each variant in a fresh process, packed windows, ASR_THREADS
 *    threads per recognizer:
 *    - RTF on the 157 s file: one CUDA recognizer against one CPU recognizer;
 *    - throughput: the 20 files of section 2 with a pool of 1, 2 and 4 on CUDA, as many tasks at
 *      once as recognizers: audio seconds per wall second and the ratio to a pool of 1;
 *    - GPU memory: the child's own `used_memory` in `nvidia-smi --query-compute-apps` after loading
 *      and after the throughput run, per pool, and MiB per added recognizer.
 *    CUDA is checked first (`listNvidiaGpus`, `cudaAddonProblem`, then a CUDA engine loaded in a
 *    child, which proves that the CUDA provider ran). Where it cannot run, one line says why, no GPU
 *    figure is printed, and the CPU rows stand in for the table's shape: RTF and throughput with a
 *    CPU pool of 1, 2 and 4 (on fewer than 8 cores the throughput rows take 10 of the 20 files).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AsrEngine,
  type AsrEngineOptions,
  cudaAddonProblem,
  CudaUnavailableError,
  Diarizer,
  listNvidiaGpus,
  type NvidiaGpu,
  PcmRecorder,
} from '@app/asr-engine';
import { loadConfig } from '@app/config';
import { decodePcm, probeMedia } from '@app/media';
import { upload, waitForTask } from '../test/support/api-client';
import { audioPath } from '../test/support/env';
import { TestStack } from '../test/support/stack';

type Provider = AsrEngineOptions['provider'];
/** How a child loads its engine; `provider` defaults to the configured one (ASR_DEVICES). */
type EngineSetup = Pick<AsrEngineOptions, 'windowing' | 'poolSize' | 'numThreads'> & { provider?: Provider };

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
  /** `engine.info.name`: model, int8 or fp32, provider. */
  engine?: string;
  /** On CUDA: the child's GPU memory (MiB) after loading and after the run; null where nvidia-smi does not list it. */
  gpuMiB?: { loaded: number | null; after: number | null };
}

function peakRssMiB(pid: number | 'self' = 'self'): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return hwm ? Number(hwm[1]) / 1024 : NaN;
}

/**
 * The GPU memory (MiB) nvidia-smi counts for process `pid`, summed over the GPUs it uses.
 * @returns null when nvidia-smi does not list the pid (no CUDA context, or a PID namespace of its own)
 */
function gpuMemoryMiB(pid = process.pid): number | null {
  const used = execFileSync('nvidia-smi', ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'], {
    encoding: 'utf8',
  })
    .split('\n')
    .map((line) => line.split(',').map((field) => Number(field.trim())))
    .filter(([listed, mib]) => listed === pid && Number.isFinite(mib))
    .map(([, mib]) => mib);
  return used.length ? used.reduce((sum, mib) => sum + mib, 0) : null;
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
    ...setup,
    provider: setup.provider ?? config.asrProvider,
  });
}

/** Child: transcribes `files`, `tasksAtOnce` at a time, and reports the totals. */
async function child(setup: EngineSetup & { tasksAtOnce: number }, files: string[]): Promise<Measured> {
  const engine = await loadEngine(setup);
  const measured: Measured = { audio: 0, wall: 0, windows: 0, decodes: 0, encoderSeconds: 0, peakRssMiB: 0 };
  measured.engine = engine.info.name;
  if (engine.info.provider === 'cuda') measured.gpuMiB = { loaded: gpuMemoryMiB(), after: null };
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
  if (measured.gpuMiB) measured.gpuMiB.after = gpuMemoryMiB();
  return measured;
}

/**
 * Runs `child()` (or `diarizeChild()` when `setup` is null) in a fresh process.
 * @throws CudaUnavailableError with the child's message when its CUDA engine did not load
 */
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
      const lines = out.split('\n');
      const line = lines.find((l) => l.startsWith('MEASURED '));
      const noCuda = lines.find((l) => l.startsWith('CUDA_UNAVAILABLE '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('MEASURED '.length)) as Measured);
      else if (noCuda) reject(new CudaUnavailableError(JSON.parse(noCuda.slice('CUDA_UNAVAILABLE '.length)) as string));
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
  const audio = recorder.seconds; // the recorder is handed over (emptied) by diarize
  const turns = await diarizer.diarize(recorder, { numSpeakers: null, threshold: 0.5 });
  const wall = (performance.now() - started) / 1000;
  return {
    audio,
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

/** Pool sizes of the devices section. */
const DEVICE_POOLS = [1, 2, 4];

/** A child of the devices section: its engine and the files it transcribes. */
interface DeviceVariant {
  setup: EngineSetup & { tasksAtOnce: number };
  files: string[];
}

/** Packed windows over `poolSize` recognizers of ASR_THREADS threads on `provider`, `tasksAtOnce` tasks at once. */
function deviceSetup(provider: Provider, poolSize: number, tasksAtOnce: number): DeviceVariant['setup'] {
  return { provider, windowing: 'packed', poolSize, numThreads: loadConfig().asrThreads, tasksAtOnce };
}

/** e.g. `CUDA, 2 × 1 thread`. */
function deviceLabel({ provider, poolSize, numThreads }: EngineSetup): string {
  return `${provider === 'cuda' ? 'CUDA' : 'CPU'}, ${poolSize} × ${numThreads} thread${numThreads === 1 ? '' : 's'}`;
}

/** Runs every variant RUNS times, interleaved run by run, each in a fresh child. */
async function interleaved(variants: Record<string, DeviceVariant>): Promise<Record<string, Measured[]>> {
  const runs: Record<string, Measured[]> = {};
  for (let run = 0; run < RUNS; run++)
    for (const [name, { setup, files }] of Object.entries(variants))
      (runs[name] ??= []).push(await inChild(setup, files));
  return runs;
}

/** `listNvidiaGpus()`'s GPUs, or its message when nvidia-smi is missing or fails. */
async function nvidiaGpus(): Promise<NvidiaGpu[] | string> {
  try {
    return await listNvidiaGpus();
  } catch (error) {
    if (error instanceof CudaUnavailableError) return error.message;
    throw error;
  }
}

/**
 * Whether the engine can run on CUDA here, checked as the processor does: nvidia-smi lists a GPU, the
 * installed sherpa-onnx is a CUDA build whose libraries are all found, and a CUDA engine loads in a
 * child (`AsrEngine.load` proves that onnxruntime's CUDA provider did the test decode).
 * @returns the GPUs, or why CUDA cannot run (every cause found before loading, else the load's)
 */
async function cudaStatus(): Promise<{ gpus: NvidiaGpu[] } | { problem: string }> {
  const gpus = await nvidiaGpus();
  const problems = [
    typeof gpus === 'string' ? gpus : gpus.length ? null : 'nvidia-smi -L lists no GPU.',
    cudaAddonProblem(),
  ].filter((problem) => problem !== null);
  if (typeof gpus === 'string' || problems.length) return { problem: problems.join(' Also: ') };
  try {
    await inChild(deviceSetup('cuda', 1, 1), []);
  } catch (error) {
    if (error instanceof CudaUnavailableError) return { problem: error.message };
    throw error;
  }
  return { gpus };
}

/** The largest of the runs' GPU memory figures after loading or after the run; null when there is none. */
function gpuPeak(measured: Measured[], when: 'loaded' | 'after'): number | null {
  const figures = measured.map((m) => m.gpuMiB?.[when]).filter((value) => typeof value === 'number');
  return figures.length ? Math.max(...figures) : null;
}

const mib = (value: number | null) => (value === null ? 'n/a' : f(value, 0));

/** RTF on one file: CUDA × 1 against CPU × 1, or a CPU pool of 1, 2 and 4 where CUDA cannot run. */
async function deviceRtfTable(file: string, cuda: boolean): Promise<void> {
  const setups = [
    ...(cuda ? [deviceSetup('cuda', 1, 1)] : []),
    ...(cuda ? [1] : DEVICE_POOLS).map((pool) => deviceSetup('cpu', pool, 1)),
  ];
  const runs = await interleaved(
    Object.fromEntries(setups.map((setup) => [deviceLabel(setup), { setup, files: [file] }])),
  );
  const cpuBase = median(runs[deviceLabel(deviceSetup('cpu', 1, 1))].map((m) => m.wall));
  console.log(`\n### RTF: ${file.split('/').pop()}, one file at a time\n`);
  console.log(
    '| device, recognizers × threads | engine | audio s | wall s (min / median) | RTF (min / median) | speed-up vs CPU × 1 (median) | peak RSS MiB (max) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, measured] of Object.entries(runs)) {
    const walls = measured.map((m) => m.wall);
    const audio = measured[0].audio;
    console.log(
      `| ${name} | ${measured[0].engine} | ${f(audio, 0)} | ${f(min(walls))} / ${f(median(walls))} | ${f(min(walls) / audio, 4)} / ${f(median(walls) / audio, 4)} | ${f(cpuBase / median(walls))}× | ${f(Math.max(...measured.map((m) => m.peakRssMiB)), 0)} |`,
    );
  }
}

/**
 * Throughput with a pool of 1, 2 and 4 on `provider`, as many tasks at once as recognizers.
 * @param note which files, for the heading
 * @returns the runs of each pool, in the order of DEVICE_POOLS
 */
async function deviceThroughputTable(provider: Provider, files: string[], note: string): Promise<Measured[][]> {
  const setups = DEVICE_POOLS.map((pool) => deviceSetup(provider, pool, pool));
  const runs = Object.values(
    await interleaved(Object.fromEntries(setups.map((setup) => [deviceLabel(setup), { setup, files }]))),
  );
  console.log(`\n### Throughput: ${files.length} files submitted at once (${note})\n`);
  console.log(
    '| device, recognizers × threads | tasks at once | audio s | wall s (min / median) | audio s per wall s (median) | vs pool of 1 | peak RSS MiB (max) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  const rates = runs.map((measured) => median(measured.map((m) => m.audio / m.wall)));
  runs.forEach((measured, i) => {
    const walls = measured.map((m) => m.wall);
    console.log(
      `| ${deviceLabel(setups[i])} | ${setups[i].tasksAtOnce} | ${f(measured[0].audio, 0)} | ${f(min(walls))} / ${f(median(walls))} | ${f(rates[i])} | ${f(rates[i] / rates[0])}× | ${f(Math.max(...measured.map((m) => m.peakRssMiB)), 0)} |`,
    );
  });
  return runs;
}

/** GPU memory of the CUDA throughput children: totals, and MiB per recognizer added to a pool of 1. */
function gpuMemoryTable(runs: Measured[][]): void {
  console.log(
    "\n### GPU memory per recognizer (the child's `used_memory` in `nvidia-smi --query-compute-apps`, max over runs)\n",
  );
  console.log(
    '| recognizers | MiB after load | MiB after run | MiB per added recognizer, after load | MiB per added recognizer, after run | MiB per recognizer (total ÷ recognizers, after run) |',
  );
  console.log('|---|---|---|---|---|---|');
  const loaded = runs.map((measured) => gpuPeak(measured, 'loaded'));
  const after = runs.map((measured) => gpuPeak(measured, 'after'));
  const perAdded = (totals: (number | null)[], i: number) => {
    const [base, total] = [totals[0], totals[i]];
    return i === 0 ? '—' : mib(base === null || total === null ? null : (total - base) / (DEVICE_POOLS[i] - 1));
  };
  DEVICE_POOLS.forEach((pool, i) => {
    const total = after[i];
    console.log(
      `| ${pool} | ${mib(loaded[i])} | ${mib(total)} | ${perAdded(loaded, i)} | ${perAdded(after, i)} | ${mib(total === null ? null : total / pool)} |`,
    );
  });
  if ([...loaded, ...after].every((value) => value === null))
    console.log(
      "\nnvidia-smi listed none of the children's pids (a container with its own PID namespace?): no GPU memory figures.",
    );
}

/**
 * The devices section: CUDA against the CPU where CUDA can run; where it cannot, why, and the CPU
 * rows alone (no GPU figure is ever estimated).
 */
async function devicesSection(file: string): Promise<void> {
  const config = loadConfig();
  console.log(
    `\n## Devices: CUDA against the CPU (packed windows, ASR_THREADS=${config.asrThreads}, ${RUNS} runs of each variant)\n`,
  );
  const status = await cudaStatus();
  const all = throughputFiles();
  if ('gpus' in status) {
    const visible = process.env.CUDA_VISIBLE_DEVICES;
    console.log(
      `GPUs: ${status.gpus.map((gpu) => `${gpu.index}: ${gpu.name}`).join(', ')}; each child runs on the first one it sees (CUDA_VISIBLE_DEVICES=${visible ?? 'unset'}).`,
    );
    await deviceRtfTable(file, true);
    gpuMemoryTable(await deviceThroughputTable('cuda', all, 'the 20 files of 30–160 s'));
    return;
  }
  console.log(`**The CUDA rows cannot run here:** ${status.problem}`);
  console.log('\nNo GPU figure is printed. The CPU rows stand in for the shape of the CUDA tables.');
  await deviceRtfTable(file, false);
  const files = CORES < 8 ? all.filter((_, i) => i % 2 === 0) : all;
  const note =
    files.length < all.length
      ? `CPU rows: every other one of the 20 files of 30–160 s, to fit ${CORES} cores`
      : 'the 20 files of 30–160 s';
  await deviceThroughputTable('cpu', files, note);
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--child');
  if (at > 0) {
    const { setup, files } = JSON.parse(process.argv[at + 1]) as {
      setup: (EngineSetup & { tasksAtOnce: number }) | null;
      files: string[];
    };
    try {
      const measured = setup ? await child(setup, files) : await diarizeChild(files[0]);
      console.log(`MEASURED ${JSON.stringify(measured)}`);
    } catch (error) {
      if (!(error instanceof CudaUnavailableError)) throw error;
      console.log(`CUDA_UNAVAILABLE ${JSON.stringify(error.message)}`);
      process.exit(1);
    }
    return;
  }
  const config = loadConfig();
  console.log(`Model ${config.asrModel}; CPU: ${CORES} cores; ${RUNS} runs of each variant`);
  const files = [audioPath('long-en-concat-16k.wav'), thirtyMinuteFile()];
  // BENCH_ONLY=windows,throughput,end-to-end,diarization,devices runs some of the sections; devices
  // only when named.
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
  const wanted = (section: string) => !only || only.includes(section);
  if (wanted('windows')) await windowsTable(files);
  if (wanted('throughput')) await throughputTable();
  if (wanted('end-to-end')) await endToEndTable(files);
  if (wanted('diarization')) await diarizationTable(files);
  if (only?.includes('devices')) await devicesSection(files[0]);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
