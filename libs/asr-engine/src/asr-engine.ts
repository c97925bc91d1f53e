import { WHISPER_SAMPLE_RATE as ENGINE_SAMPLE_RATE } from '@app/media';
import { Logger } from '@nestjs/common';
import { assertCudaExecution } from './cuda-check';
import {
  assertVadModel,
  modelCapabilities,
  resolvePrecision,
  resolveWhisperModel,
  type WhisperModelFiles,
  type WhisperPrecision,
} from './model-files';
import { LanguageIdentifier } from './language-identifier';
import { Pool } from './pool';
import {
  type DecodeOptions,
  effectiveChunkLength,
  type ModelCapabilities,
  refusedOptions,
  withDefaults,
} from './decode-options';
import { createSegmenter } from './create-segmenter';
import { joinSegmentText, roundTime } from './segments';
import { VAD_WINDOW_SAMPLES } from './speech-segmenter';
import type { Segment, SpeechChunk, Transcript } from './transcript';
import { type DecodedWindow, WindowDecoder, type WindowDecodeOptions } from './window-decoder';
import { WhisperRecognizer } from './whisper-recognizer';
import { type Window, WindowPacker } from './windows';

export interface AsrEngineOptions {
  modelsDir: string;
  /** Whisper model name, see `resolveWhisperModel`. */
  model: string;
  /** Path of the Silero VAD ONNX file. */
  vadModel: string;
  /** `cpu` or `cuda`. With `cuda`, `load` proves that the CUDA execution provider is really used. */
  provider: 'cpu' | 'cuda';
  /** The Whisper files to prefer (see `resolvePrecision`); default: fp32 on CUDA, int8 on the CPU. */
  precision?: WhisperPrecision;
  /** Threads per recognizer. */
  numThreads: number;
  /** Recognizers to load: one pool shared by every running transcription. */
  poolSize: number;
  /** Windows of one file decoded (or waiting for a recognizer) at once; default `poolSize`. */
  windowsInFlight?: number;
  /**
   * `packed` (default): speech regions packed into windows of up to 29 s, split by Whisper's
   * segment timestamps. `per-region`: every region decoded alone as one segment (how models
   * without timestamp tokens are decoded; kept for comparison in the benchmark).
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
  /** Decoder runs (more than 1 after the hallucination guard, or one per region without timestamps). */
  decodes: number;
  /** Seconds of features the encoder ran on, sherpa-onnx's padding included. */
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
  multilingual: boolean;
  /** What the loaded model can give besides text. */
  capabilities: ModelCapabilities;
}

/**
 * Whisper speech-to-text on sherpa-onnx: Silero VAD finds the speech, the speech regions are packed
 * into windows of up to 29 s (silence left out, with a time map back to the file), and Whisper
 * decodes each window into segments with its own timestamps (and words, with a cross-attention
 * decoder). One pool of recognizers, loaded once (`AsrEngine.load`), serves every running
 * transcription; the windows of one file are decoded in parallel and reassembled in order.
 */
export class AsrEngine {
  private identifier?: LanguageIdentifier;
  private readonly logger = new Logger(AsrEngine.name);
  private readonly windows: WindowDecoder;

  private constructor(
    private readonly model: WhisperModelFiles,
    private readonly options: AsrEngineOptions,
    private readonly recognizers: Pool<WhisperRecognizer>,
    readonly info: EngineInfo,
  ) {
    this.windows = new WindowDecoder(options.windowing === 'per-region', (message) =>
      this.logger.warn(`${info.name}: ${message}`),
    );
  }

  /**
   * Finds the model files and loads `poolSize` recognizers. On CUDA, decodes one second of
   * silence with each recognizer and checks that onnxruntime's CUDA provider did the work
   * (sherpa-onnx would otherwise fall back to the CPU with only a log line).
   * @throws ModelNotFoundError naming a missing file; sherpa-onnx's error for an invalid model;
   *   CudaUnavailableError naming the cause when provider `cuda` does not really run on CUDA
   */
  static async load(options: AsrEngineOptions): Promise<AsrEngine> {
    const precision = options.precision ?? resolvePrecision('auto', options.provider);
    const model = resolveWhisperModel(options.modelsDir, options.model, precision);
    assertVadModel(options.vadModel);
    const settings = { provider: options.provider, numThreads: options.numThreads };
    const recognizers = await Promise.all(
      Array.from({ length: options.poolSize }, () => WhisperRecognizer.load(model, settings)),
    );
    if (options.provider === 'cuda') {
      const silence = new Float32Array(ENGINE_SAMPLE_RATE);
      const decodeSettings = {
        language: '',
        task: 'transcribe',
        segmentTimestamps: false,
        tokenTimestamps: false,
      } as const;
      for (const recognizer of recognizers)
        await assertCudaExecution(async () => void (await recognizer.decode(silence, decodeSettings)));
    }
    const info: EngineInfo = {
      name: `sherpa-onnx/whisper-${options.model} (${model.int8 ? 'int8' : 'fp32'}, ${options.provider})`,
      model: options.model,
      provider: options.provider,
      multilingual: !/\.en$/.test(options.model),
      capabilities: modelCapabilities(model),
    };
    return new AsrEngine(model, options, new Pool(recognizers), info);
  }

  /**
   * Identifies the spoken language of up to 30 s of speech.
   * @param samples Float32 mono at 16 kHz
   * @returns an ISO code such as `en`; always `en` for English-only models
   */
  detectLanguage(samples: Float32Array): string {
    if (!this.info.multilingual) return 'en';
    this.identifier ??= new LanguageIdentifier(this.model, {
      provider: this.options.provider,
      numThreads: this.options.numThreads,
    });
    return this.identifier.detect(samples, ENGINE_SAMPLE_RATE);
  }

  /**
   * Identifies the spoken language from at most the first 30 s of speech (found by the VAD) of
   * a stream; stops reading the stream once it has them.
   * @param audio Float32 mono samples at 16 kHz
   * @returns an ISO code, or null when the stream has no speech
   */
  async identifyLanguage(audio: AsyncIterable<Float32Array>): Promise<string | null> {
    const limit = 30 * ENGINE_SAMPLE_RATE;
    const segmenter = createSegmenter(withDefaults({}), this.options.vadModel);
    const speech: Float32Array[] = [];
    let collected = 0;
    const take = (chunks: SpeechChunk[]) => {
      for (const chunk of chunks) {
        const samples = chunk.samples.subarray(0, limit - collected);
        speech.push(samples);
        collected += samples.length;
      }
    };
    for await (const samples of audio) {
      take(segmenter.push(samples));
      if (collected >= limit) break;
    }
    if (collected < limit) take(segmenter.flush());
    if (collected === 0) return null;
    const joined = new Float32Array(collected);
    speech.reduce((offset, part) => (joined.set(part, offset), offset + part.length), 0);
    return this.detectLanguage(joined);
  }

  /**
   * Transcribes a stream of audio. Reads the stream as it decodes: memory is bounded by the VAD's
   * history and `windowsInFlight` windows of 29 s, whatever the stream's length.
   * @param audio Float32 mono samples at 16 kHz, in chunks of any size (e.g. `decodePcm()`)
   * @param options decoding and VAD options; missing ones take `DEFAULT_DECODE_OPTIONS`.
   *   `language` null or '' detects the language once, on the first window, before the windows fan out.
   * @throws Error for options the engine cannot apply (see `refusedOptions`) or translation with
   *   an English-only model; the stream's error; the abort reason; sherpa-onnx's decoding error
   */
  async transcribe(
    audio: AsyncIterable<Float32Array>,
    options: Partial<DecodeOptions>,
    hooks: TranscribeHooks = {},
  ): Promise<Transcript> {
    const decode = withDefaults(options);
    const refused = refusedOptions(decode, this.info.capabilities);
    if (refused.length)
      throw new Error(
        `Cannot apply: ${refused.map((r) => `${r.option}=${JSON.stringify(r.value)} (${r.reason})`).join('; ')}`,
      );
    if (decode.task === 'translate' && !this.info.multilingual) {
      throw new Error(`Model ${this.info.model} is English-only and cannot translate; use a multilingual model.`);
    }
    const rate = ENGINE_SAMPLE_RATE;
    const segmenter = createSegmenter(decode, this.options.vadModel);
    const packer = new WindowPacker(Math.floor(effectiveChunkLength(decode) * rate));
    const resume = hooks.resumeFrom;
    const segments: Segment[] = [...(resume?.segments ?? [])];
    let language = resume?.language ?? (decode.language || (this.info.multilingual ? null : 'en'));
    // Sample index of the file where `audio` starts, and where decoding resumes.
    const offset = Math.round(resumeStart(resume) * rate);
    const resumeAt = Math.round((resume?.position ?? 0) * rate);
    let samplesRead = offset;
    const windowOptions = (detected: string): WindowDecodeOptions => ({
      language: detected,
      task: decode.task,
      words: decode.word_timestamps,
      punctuation: { prepend: decode.prepend_punctuations, append: decode.append_punctuations },
      compressionRatioThreshold: decode.compression_ratio_threshold,
    });

    // Windows being decoded, oldest first; each is delivered in order once decoded.
    const inFlight: { window: Window; read: number; decoded: Promise<DecodedWindow> }[] = [];
    const limit = Math.max(1, this.options.windowsInFlight ?? this.options.poolSize);
    const deliver = async () => {
      const { window, read, decoded } = inFlight.shift()!;
      const result = await decoded;
      const added = result.segments.map((segment, i) => ({ ...segment, id: segments.length + i }));
      segments.push(...added);
      const last = window.pieces[window.pieces.length - 1];
      const position = roundTime((last.fileStart + last.length) / rate);
      hooks.onWindow?.({
        regions: window.pieces.map((p) => [roundTime(p.fileStart / rate), roundTime((p.fileStart + p.length) / rate)]),
        seconds: roundTime(window.samples.length / rate),
        decodes: result.decodes,
        encoderSeconds: result.encoderSeconds,
      });
      await hooks.onProgress?.(added, read / rate, { position, language, segments });
    };
    const start = async (window: Window) => {
      hooks.signal?.throwIfAborted();
      // Once per file, before the windows fan out.
      language ??= this.detectLanguage(window.samples);
      const settings = windowOptions(language);
      const decoded = this.recognizers.use((recognizer) => {
        hooks.signal?.throwIfAborted();
        return this.windows.decode(recognizer, window, settings);
      });
      decoded.catch(() => undefined); // awaited in order by deliver(); never an unhandled rejection
      inFlight.push({ window, read: samplesRead, decoded });
      while (inFlight.length >= limit) await deliver();
    };
    const regions = async (found: SpeechChunk[]) => {
      for (const relative of found) {
        const region = { start: relative.start + offset, samples: relative.samples };
        // Decoded before the interruption; seen again only to warm up the VAD.
        if (region.start < resumeAt) continue;
        for (const window of packer.push(region)) await start(window);
      }
    };

    for await (const samples of audio) {
      hooks.signal?.throwIfAborted();
      samplesRead += samples.length;
      await regions(segmenter.push(samples));
    }
    await regions(segmenter.flush());
    for (const window of packer.flush()) await start(window);
    while (inFlight.length) await deliver();

    return {
      text: joinSegmentText(segments, language),
      language,
      duration: roundTime(samplesRead / rate),
      segments,
    };
  }
}
