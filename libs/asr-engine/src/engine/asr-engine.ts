import { WHISPER_SAMPLE_RATE as ENGINE_SAMPLE_RATE } from '@app/media';
import type { DecodeOptions } from '../decode-options';
import { VAD_WINDOW_SAMPLES } from '../speech-segmenter';
import type { Segment, Transcript } from '../transcript';
import type { ModelCapabilities } from './model-capabilities';
import type { ModelPrecision } from './model-files';

/** How to load one model on one device (`AsrEngine.load`, `ModelFamily.load`). */
export interface AsrEngineOptions {
  modelsDir: string;
  /** Model name (an entry of ASR_MODELS): its folder under `modelsDir`, found by its family. */
  model: string;
  /** Path of the Silero VAD ONNX file. */
  vadModel: string;
  /** `cpu` or `cuda`. With `cuda`, `load` proves that the CUDA execution provider is really used. */
  provider: 'cpu' | 'cuda';
  /** The files to prefer (see `resolvePrecision`); default: fp32 on CUDA, int8 on the CPU. */
  precision?: ModelPrecision;
  /** Threads per recognizer. */
  numThreads: number;
  /** Recognizers to load: one pool shared by every running transcription. */
  poolSize: number;
  /** Windows of one file decoded (or waiting for a recognizer) at once; default `poolSize`. */
  windowsInFlight?: number;
  /**
   * `packed` (default): speech regions packed into windows of up to 29 s, split by the model's
   * segment timestamps. `per-region`: every region decoded alone as one segment (how models
   * without segment timestamps are decoded; kept for comparison in the benchmark).
   */
  windowing?: 'packed' | 'per-region';
}

/** Progress reporting and cancellation of one transcription. */
export interface TranscribeHooks {
  /**
   * Called after each window is decoded, in file order, with its new segments (maybe none) and
   * how many seconds of audio had been read when the window was cut. Awaited: a slow callback
   * slows reading (back-pressure), never buffers audio.
   */
  onProgress?: (segments: Segment[], secondsRead: number, checkpoint: Checkpoint) => Promise<void> | void;
  /** Called with each window's shape and cost, in file order (logs, the benchmark). */
  onWindow?: (report: WindowReport) => void;
  /**
   * Continue an interrupted transcription: `audio` must start at `resumeStart(resumeFrom)` seconds
   * of the file (a little before the checkpoint, so the VAD is in the same state there as in an
   * uninterrupted run and cuts the rest of the file the same way); chunks that start before the
   * checkpoint are skipped, the segments decoded before are kept, and the language is not detected
   * again. Not possible with `clip_timestamps` (the caller starts over then).
   */
  resumeFrom?: Checkpoint;
  /** Aborting stops the transcription between windows with the signal's reason. */
  signal?: AbortSignal;
}

/** One decoded window: where its speech came from and what decoding it cost. */
export interface WindowReport {
  /** The speech regions packed into it, as [start, end] seconds of the file. */
  regions: [number, number][];
  /** Seconds of audio in the window (the sum of its regions). */
  seconds: number;
  /** Decoder runs (more than 1 after a family's retry, e.g. Whisper's hallucination guard). */
  decodes: number;
  /** Seconds of features the encoder ran on, the recognizer's padding included. */
  encoderSeconds: number;
}

/**
 * Where an interrupted transcription can continue: the audio position (seconds) after the last
 * decoded window, the language it decoded in, and the segments so far.
 */
export interface Checkpoint {
  position: number;
  language: string | null;
  segments: Segment[];
}

/**
 * Audio the VAD hears again before a checkpoint when a transcription resumes, in seconds: more
 * than the longest speech region (29 s), so its state has settled by the checkpoint (Silero VAD's context
 * is short) and the chunks after it are cut as in an uninterrupted run.
 */
const RESUME_WARMUP_SECONDS = 30;

/**
 * Where the audio of a resumed transcription must start, in seconds of the file (0 without a
 * checkpoint): on a Silero VAD window boundary of the uninterrupted run, so the VAD sees the same windows.
 */
export function resumeStart(checkpoint: Checkpoint | undefined): number {
  if (!checkpoint) return 0;
  const samples = Math.max(0, checkpoint.position - RESUME_WARMUP_SECONDS) * ENGINE_SAMPLE_RATE;
  return (Math.floor(samples / VAD_WINDOW_SAMPLES) * VAD_WINDOW_SAMPLES) / ENGINE_SAMPLE_RATE;
}

/** What an engine runs; for logs and for the task's `engine` field. */
export interface EngineInfo {
  /** e.g. `sherpa-onnx/whisper-tiny (int8, cpu)`. */
  name: string;
  model: string;
  provider: string;
  /** What the loaded model can do (its family's statement). */
  capabilities: ModelCapabilities;
}

/**
 * The speech-engine seam: one model loaded on one device, as a model family (`ModelFamily.load`)
 * gives it. The processor, its model slots and the benchmark know only this interface; how a
 * family decodes (Whisper's timestamp tokens, its hallucination guard, …) stays behind it.
 * Audio everywhere is Float32 mono at 16 kHz; times are seconds of the file.
 */
export interface AsrEngine {
  readonly info: EngineInfo;

  /**
   * Transcribes a stream of audio, reading it as it decodes (memory bounded whatever its length).
   * @param audio Float32 mono samples at 16 kHz, in chunks of any size (e.g. `decodePcm()`)
   * @param options decoding and VAD options; missing ones take `DEFAULT_DECODE_OPTIONS`.
   *   `language` null or '' detects the language once, where the family can.
   * @throws Error for options the model cannot apply (`info.capabilities.refused`, translation
   *   without `translate`); the stream's error; the abort reason; the recognizer's decoding error
   */
  transcribe(
    audio: AsyncIterable<Float32Array>,
    options: Partial<DecodeOptions>,
    hooks?: TranscribeHooks,
  ): Promise<Transcript>;

  /**
   * Identifies the spoken language from the first speech of a stream; stops reading once it has it.
   * @param audio Float32 mono samples at 16 kHz
   * @returns an ISO code, or null when the stream has no speech (or the family cannot tell)
   */
  identifyLanguage(audio: AsyncIterable<Float32Array>): Promise<string | null>;
}
