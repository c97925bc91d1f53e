import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { WHISPER_SAMPLE_RATE } from '@app/media';
import type { FastClusteringConfig, OfflineSpeakerDiarizationConfig } from 'sherpa-onnx-node';
import {
  DIARIZATION_THREAD_SOURCE,
  type DiarizationReply,
  type DiarizationRequest,
  type DiarizationThreadData,
} from './diarization-thread';
import { ModelNotFoundError } from './engine/model-files';
import { PCM16_SCALE, PcmRecorder } from './pcm-recorder';
import { readOnnxInterface } from './onnx-info';
import type { SpeakerTurn } from './transcript';

/** The files and runtime settings of a {@link Diarizer}. Paths are absolute. */
export interface DiarizerSettings {
  /** pyannote segmentation 3.0 in sherpa-onnx's export (`sherpa-onnx-pyannote-segmentation-3-0/model.onnx`). */
  segmentationModel: string;
  /** A speaker-embedding model sherpa-onnx accepts (3D-Speaker, WeSpeaker or NeMo export). */
  embeddingModel: string;
  /** Intra-op threads of each of the two models. */
  numThreads: number;
  /** ONNX Runtime provider: `cpu` or `cuda`. */
  provider: string;
}

/** How one file is clustered into speakers. */
export interface DiarizeOptions {
  /**
   * The exact number of speakers (a positive integer), or null to let `threshold` decide how many.
   * With a known number the threshold is ignored.
   */
  numSpeakers: number | null;
  /**
   * Cosine-distance threshold of sherpa-onnx's agglomerative clustering when `numSpeakers` is null:
   * higher → fewer speakers. sherpa-onnx's default is 0.5.
   */
  threshold: number;
}

/**
 * Speech shorter than this is dropped from a speaker's turns, in seconds: sherpa-onnx's default
 * (`min_duration_on = 0.3` in `sherpa-onnx/csrc/offline-speaker-diarization.h`), which its
 * examples use with pyannote segmentation 3.0 and the 3D-Speaker embedding.
 */
export const MIN_DURATION_ON = 0.3;

/**
 * Two turns of one speaker closer than this are merged, in seconds: sherpa-onnx's default
 * (`min_duration_off = 0.5`, same header). pyannote's own 3.1 pipeline uses 0 here, but with its
 * own embedding model and clustering, so its value does not carry over.
 */
export const MIN_DURATION_OFF = 0.5;

/** How to get the diarization models; ends every "not found" or "not a model" message. */
const INSTALL_HINT = 'Run `npm run models:download -- diarization`';

/**
 * Metadata keys sherpa-onnx 1.13 reads from a pyannote segmentation model; it exits the process
 * when one is missing (`offline-speaker-segmentation-pyannote-model.cc`, SHERPA_ONNX_READ_META_DATA).
 */
const SEGMENTATION_METADATA = [
  'sample_rate',
  'window_size',
  'receptive_field_size',
  'receptive_field_shift',
  'num_speakers',
  'powerset_max_classes',
  'num_classes',
];

/**
 * The embedding frameworks sherpa-onnx 1.13 accepts (`speaker-embedding-extractor-impl.cc`,
 * metadata `framework`) and the other metadata keys it then requires
 * (`speaker-embedding-extractor-model.cc`); it exits the process when one is missing. NeMo models
 * go through another reader whose keys are not checked here.
 */
const EMBEDDING_METADATA: Record<string, string[]> = {
  wespeaker: ['output_dim', 'sample_rate', 'normalize_samples', 'language'],
  '3d-speaker': ['output_dim', 'sample_rate', 'normalize_samples', 'language'],
  nemo: [],
};

/**
 * Checks that both diarization models exist and are ONNX models with the metadata sherpa-onnx
 * reads, without loading them. sherpa-onnx aborts the whole process on a file that is not a model
 * (an HTML error page, a truncated download) or lacks a metadata key, so this runs before
 * {@link Diarizer.load} hands the files over.
 * @throws ModelNotFoundError naming each missing file, its variable (DIARIZATION_SEGMENTATION_MODEL,
 *   DIARIZATION_EMBEDDING_MODEL) and `npm run models:download -- diarization`
 * @throws Error `<path> is not an ONNX model: …` or `<path> … lacks the metadata …`, naming the
 *   variable, with the same hint
 */
export function assertDiarizationModels(segmentationModel: string, embeddingModel: string): void {
  const missing = [
    !existsSync(segmentationModel) && `segmentation model ${segmentationModel} (DIARIZATION_SEGMENTATION_MODEL)`,
    !existsSync(embeddingModel) && `speaker-embedding model ${embeddingModel} (DIARIZATION_EMBEDDING_MODEL)`,
  ].filter(Boolean);
  if (missing.length) {
    throw new ModelNotFoundError(
      `Speaker diarization model not found: ${missing.join(' and ')}. ${INSTALL_HINT}, or set DIARIZATION_SEGMENTATION_MODEL / DIARIZATION_EMBEDDING_MODEL.`,
    );
  }
  const problems = [
    [segmentationModelProblem(segmentationModel), 'DIARIZATION_SEGMENTATION_MODEL'],
    [embeddingModelProblem(embeddingModel), 'DIARIZATION_EMBEDDING_MODEL'],
  ].flatMap(([problem, variable]) => (problem ? [`${problem} (${variable})`] : []));
  if (problems.length) throw new Error(`${problems.join('; ')}. ${INSTALL_HINT}.`);
}

/**
 * What keeps `path` from being a pyannote segmentation model sherpa-onnx can load (see
 * {@link assertDiarizationModels}), in words naming the file; null when nothing does.
 * @param label how the message names the file (default: its path)
 */
export function segmentationModelProblem(path: string, label = path): string | null {
  const metadata = onnxMetadata(path, label);
  if (typeof metadata === 'string') return metadata;
  const absent = SEGMENTATION_METADATA.filter((key) => !(key in metadata));
  return absent.length
    ? `${label} is not a pyannote segmentation model for sherpa-onnx: it lacks the metadata ${absent.join(', ')}`
    : null;
}

/**
 * What keeps `path` from being a speaker-embedding model sherpa-onnx can load (see
 * {@link assertDiarizationModels}), in words naming the file; null when nothing does.
 * @param label how the message names the file (default: its path)
 */
export function embeddingModelProblem(path: string, label = path): string | null {
  const metadata = onnxMetadata(path, label);
  if (typeof metadata === 'string') return metadata;
  const framework = metadata.framework ?? '';
  const required = EMBEDDING_METADATA[framework];
  if (!required) {
    return `${label} is not a speaker-embedding model for sherpa-onnx: its metadata "framework" is ${framework ? `"${framework}"` : 'missing'}, not one of ${Object.keys(EMBEDDING_METADATA).join(', ')}`;
  }
  const absent = required.filter((key) => !(key in metadata));
  return absent.length
    ? `${label} is not a speaker-embedding model for sherpa-onnx: it lacks the metadata ${absent.join(', ')}`
    : null;
}

/** The metadata of an ONNX file, or why it cannot be read (`<label> is not an ONNX model: …`, an I/O error). */
function onnxMetadata(path: string, label: string): Record<string, string> | string {
  try {
    return readOnnxInterface(path).metadata;
  } catch (error) {
    return (error as Error).message.replaceAll(path, label);
  }
}

/**
 * Speaker diarization with sherpa-onnx's `OfflineSpeakerDiarization`: pyannote segmentation 3.0 over
 * 10 s windows (1 s hop), one speaker embedding per local speaker and window, clustering, then
 * turns shorter than {@link MIN_DURATION_ON} dropped and gaps shorter than {@link MIN_DURATION_OFF}
 * closed. Both models are loaded once, in a worker thread of their own
 * ({@link DIARIZATION_THREAD_SOURCE}), which does all the work: the app's event loop never
 * converts, copies or waits on the samples (sherpa-onnx's addon copies them synchronously, about
 * 20 ms per minute of audio, which would stall health probes for seconds on long files).
 *
 * Calls of {@link diarize} run one at a time (the clustering setting belongs to the sherpa-onnx
 * object). The thread does not keep the process alive; {@link close} ends it.
 */
export class Diarizer {
  /** The last queued diarization; the next one starts when it settles. */
  private queue: Promise<unknown>;
  /** Why the thread cannot diarize (it failed to load the models, or it stopped), once known. */
  private broken: Error | null = null;
  /** The reply handler of the diarization in progress. */
  private listener: ((reply: DiarizationReply) => void) | null = null;

  private constructor(
    private readonly thread: Worker,
    segmentationModel: string,
  ) {
    const ready = new Promise<void>((resolve, reject) => {
      this.listener = (reply) => {
        if (reply.type === 'ready' && reply.sampleRate === WHISPER_SAMPLE_RATE) return resolve();
        reject(
          (this.broken = new Error(
            reply.type === 'ready'
              ? `The diarization models expect ${reply.sampleRate} Hz audio, but Hark decodes ${WHISPER_SAMPLE_RATE} Hz (DIARIZATION_SEGMENTATION_MODEL ${segmentationModel}).`
              : `sherpa-onnx could not load the diarization models: ${reply.type === 'failed' ? reply.message : reply.type}`,
          )),
        );
      };
    });
    this.queue = ready.catch(() => undefined); // the reason is kept in `broken`; each diarize rejects with it
    thread.on('message', (reply: DiarizationReply) => this.listener?.(reply));
    const stopped = (error: Error) => {
      this.broken ??= error;
      this.listener?.({ type: 'failed', message: error.message });
    };
    thread.on('error', stopped);
    thread.on('exit', (code) => stopped(new Error(`The diarization thread stopped (exit code ${code}).`)));
    thread.unref();
  }

  /**
   * Checks both models with {@link assertDiarizationModels}, then starts the diarization thread,
   * which loads them; a load failure (or models for another sample rate than 16 kHz) makes every
   * {@link diarize} reject with the reason.
   * @throws ModelNotFoundError naming the missing file and `npm run models:download -- diarization`
   * @throws Error when a file is not a model sherpa-onnx can use
   */
  static load(settings: DiarizerSettings): Diarizer {
    assertDiarizationModels(settings.segmentationModel, settings.embeddingModel);
    const config: OfflineSpeakerDiarizationConfig = {
      segmentation: {
        pyannote: { model: settings.segmentationModel },
        numThreads: settings.numThreads,
        provider: settings.provider,
        debug: 0,
      },
      embedding: {
        model: settings.embeddingModel,
        numThreads: settings.numThreads,
        provider: settings.provider,
        debug: 0,
      },
      clustering: { numClusters: -1, threshold: 0.5 },
      minDurationOn: MIN_DURATION_ON,
      minDurationOff: MIN_DURATION_OFF,
    };
    const resolve = createRequire(__filename).resolve;
    const workerData: DiarizationThreadData = {
      sherpaOnnxNode: resolve('sherpa-onnx-node'),
      addon: resolve('sherpa-onnx-node/addon.js'),
      config,
      pcm16Scale: PCM16_SCALE,
    };
    return new Diarizer(new Worker(DIARIZATION_THREAD_SOURCE, { eval: true, workerData }), settings.segmentationModel);
  }

  /** Whether the thread can still diarize (false after a failed load, or once it stopped). */
  get usable(): boolean {
    return this.broken === null;
  }

  /**
   * Who spoke when, computed in the diarization thread. Waits for any earlier call on this
   * Diarizer first.
   * @param samples Float32 mono at 16 kHz, in [-1, 1] (copied to the thread), or a recorder whose
   *   16-bit recording is handed over (`release()`: the recorder is empty afterwards, and nothing is
   *   converted or copied on this thread)
   * @param onProgress the fraction done, 0–1, increasing: 0 at the start, then after each window's
   *   embeddings (segmentation, the first part of the work, reports nothing), and 1 at the end.
   *   Errors it throws are kept: reporting stops, and `diarize` rejects with the first one once
   *   sherpa-onnx has finished.
   * @returns the turns sorted by start (then end); seconds from the start of `samples`; `speaker` is
   *   the 0-based cluster index. Empty for silence or no samples. Fewer speakers than `numSpeakers`
   *   come back when there are fewer embeddings to cluster (sherpa-onnx skips clustering when it
   *   finds one local speaker in one window only).
   * @throws RangeError when `numSpeakers` is not a positive integer or null, or `threshold` is not a
   *   positive number; Error when the models could not be loaded or the thread stopped
   */
  async diarize(
    samples: Float32Array | PcmRecorder,
    options: DiarizeOptions,
    onProgress?: (fraction: number) => void,
  ): Promise<SpeakerTurn[]> {
    const clustering = clusteringOf(options);
    const run = this.queue.then(() => this.run(samples, clustering, onProgress));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the diarization thread (and with it the models' memory). */
  async close(): Promise<void> {
    this.broken ??= new Error('The Diarizer was closed.');
    await this.thread.terminate();
  }

  private run(
    samples: Float32Array | PcmRecorder,
    clustering: Required<FastClusteringConfig>,
    onProgress?: (fraction: number) => void,
  ): Promise<SpeakerTurn[]> {
    if (this.broken) return Promise.reject(this.broken);
    const progress = new ProgressReporter(onProgress);
    progress.report(0);
    return new Promise<SpeakerTurn[]>((resolve, reject) => {
      this.listener = (reply) => {
        if (reply.type === 'progress') return progress.report(reply.fraction);
        if (reply.type === 'ready') return;
        this.listener = null;
        // sherpa-onnx posts its progress calls through a queue of their own: none counts after the end.
        progress.report(reply.type === 'done' ? 1 : 0);
        progress.close();
        if (reply.type === 'failed') return reject(new Error(`Speaker diarization failed: ${reply.message}`));
        try {
          progress.rethrow();
        } catch (error) {
          return reject(error instanceof Error ? error : new Error(String(error)));
        }
        resolve(
          reply.segments
            .map(({ start, end, speaker }) => ({ start, end, speaker }))
            .sort((a, b) => a.start - b.start || a.end - b.end),
        );
      };
      if (samples instanceof PcmRecorder) {
        const chunks = samples.release();
        const request: DiarizationRequest = { samples: chunks, clustering };
        // The chunks' own buffers move to the thread (a chunk is the whole of its buffer, or its start).
        this.thread.postMessage(request, [...new Set(chunks.map((chunk) => chunk.buffer as ArrayBuffer))]);
      } else {
        this.thread.postMessage({ samples, clustering } satisfies DiarizationRequest);
      }
    });
  }
}

/** sherpa-onnx's clustering setting for `options`. */
function clusteringOf({ numSpeakers, threshold }: DiarizeOptions): Required<FastClusteringConfig> {
  if (numSpeakers !== null && !(Number.isInteger(numSpeakers) && numSpeakers > 0))
    throw new RangeError(`numSpeakers must be a positive integer or null, not ${numSpeakers}`);
  if (!(Number.isFinite(threshold) && threshold > 0))
    throw new RangeError(`threshold must be a positive number, not ${threshold}`);
  return { numClusters: numSpeakers ?? -1, threshold };
}

/**
 * Passes fractions on to a listener: only increasing ones, none after {@link close}, and none
 * after the listener threw (its first error is kept for {@link rethrow}).
 */
class ProgressReporter {
  private last = -1;
  private closed = false;
  private failure: { error: unknown } | null = null;

  constructor(private readonly listener?: (fraction: number) => void) {}

  report(fraction: number): void {
    const value = Math.min(1, Math.max(0, fraction));
    if (!this.listener || this.closed || this.failure || value <= this.last) return;
    this.last = value;
    try {
      this.listener(value);
    } catch (error) {
      this.failure = { error };
    }
  }

  /** Stops reporting. */
  close(): void {
    this.closed = true;
  }

  /** @throws the listener's first error, if it threw */
  rethrow(): void {
    if (this.failure) throw this.failure.error;
  }
}
