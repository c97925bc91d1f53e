import { WHISPER_SAMPLE_RATE as ENGINE_SAMPLE_RATE } from '@app/media';
import { assertVadModel, resolveWhisperModel, type WhisperModelFiles } from './model-files';
import { LanguageIdentifier } from './language-identifier';
import { Pool } from './pool';
import {
  type DecodeOptions,
  effectiveChunkLength,
  parseClipTimestamps,
  refusedOptions,
  withDefaults,
} from './decode-options';
import { ClipSegmenter, FixedWindowSegmenter, type Segmenter } from './segmenter';
import { chunkToSegment, joinSegmentText, roundTime } from './segments';
import { SpeechSegmenter, VAD_WINDOW_SAMPLES } from './speech-segmenter';
import type { Segment, SpeechChunk, Transcript } from './transcript';
import { WhisperRecognizer } from './whisper-recognizer';

export interface AsrEngineOptions {
  modelsDir: string;
  /** Whisper model name, see `resolveWhisperModel`. */
  model: string;
  /** Path of the Silero VAD ONNX file. */
  vadModel: string;
  /** `cpu` or `cuda`. */
  provider: string;
  /** Threads per recognizer. */
  numThreads: number;
  /** Recognizers to load: how many files can be transcribed at once. */
  concurrency: number;
}

/** Progress reporting and cancellation of one transcription. */
export interface TranscribeHooks {
  /**
   * Called after each chunk is decoded, in order, with the new segment (null when the chunk
   * held no text) and how many seconds of audio have been read so far. Awaited: a slow callback
   * slows reading (back-pressure), never buffers audio.
   */
  onProgress?: (segment: Segment | null, secondsRead: number, checkpoint: Checkpoint) => Promise<void> | void;
  /**
   * Continue an interrupted transcription: `audio` must start at `resumeStart(resumeFrom)` seconds
   * of the file (a little before the checkpoint, so the VAD is in the same state there as in an
   * uninterrupted run and cuts the rest of the file the same way); chunks that start before the
   * checkpoint are skipped, the segments decoded before are kept, and the language is not detected
   * again. Not possible with `clip_timestamps` (the caller starts over then).
   */
  resumeFrom?: Checkpoint;
  /** Aborting stops the transcription between chunks with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Where an interrupted transcription can continue: the audio position (seconds) after the last
 * decoded chunk, the language it decoded in, and the segments so far.
 */
export interface Checkpoint {
  position: number;
  language: string | null;
  segments: Segment[];
}

/**
 * Audio the VAD hears again before a checkpoint when a transcription resumes, in seconds: more
 * than the longest chunk (29 s), so its state has settled by the checkpoint (Silero VAD's context
 * is short) and the chunks after it are cut as in an uninterrupted run.
 */
const RESUME_WARMUP_SECONDS = 30;

/**
 * Where the audio of a resumed transcription must start, in seconds of the file (0 without a
 * checkpoint): on a VAD window boundary of the uninterrupted run, so the VAD sees the same windows.
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
}

/**
 * Whisper speech-to-text on sherpa-onnx: Silero VAD cuts the audio into speech chunks of at most
 * 29 s, Whisper decodes each chunk, and the chunks become timed segments. Models are loaded once
 * (`AsrEngine.load`) and reused; `concurrency` transcriptions can run at once.
 */
export class AsrEngine {
  private identifier?: LanguageIdentifier;

  private constructor(
    private readonly model: WhisperModelFiles,
    private readonly options: AsrEngineOptions,
    private readonly recognizers: Pool<WhisperRecognizer>,
    readonly info: EngineInfo,
  ) {}

  /**
   * Finds the model files and loads `concurrency` recognizers.
   * @throws ModelNotFoundError naming a missing file; sherpa-onnx's error for an invalid model
   */
  static async load(options: AsrEngineOptions): Promise<AsrEngine> {
    const model = resolveWhisperModel(options.modelsDir, options.model);
    assertVadModel(options.vadModel);
    const settings = { provider: options.provider, numThreads: options.numThreads };
    const recognizers = await Promise.all(
      Array.from({ length: options.concurrency }, () => WhisperRecognizer.load(model, settings)),
    );
    const multilingual = !/\.en$/.test(options.model);
    const info: EngineInfo = {
      name: `sherpa-onnx/whisper-${options.model} (${model.int8 ? 'int8' : 'fp32'}, ${options.provider})`,
      model: options.model,
      provider: options.provider,
      multilingual,
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
    const segmenter = this.segmenter(withDefaults({}));
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
   * Transcribes a stream of audio. Reads the stream as it decodes, so memory is bounded by one
   * speech chunk whatever the stream's length.
   * @param audio Float32 mono samples at 16 kHz, in chunks of any size (e.g. `decodePcm()`)
   * @param options decoding and VAD options; missing ones take `DEFAULT_DECODE_OPTIONS`.
   *   `language` null or '' detects the language once, on the first speech chunk.
   * @throws Error for options the engine cannot apply (see `refusedOptions`) or translation with
   *   an English-only model; the stream's error; the abort reason; sherpa-onnx's decoding error
   */
  async transcribe(
    audio: AsyncIterable<Float32Array>,
    options: Partial<DecodeOptions>,
    hooks: TranscribeHooks = {},
  ): Promise<Transcript> {
    const decode = withDefaults(options);
    const refused = refusedOptions(decode);
    if (refused.length)
      throw new Error(
        `Cannot apply: ${refused.map((r) => `${r.option}=${JSON.stringify(r.value)} (${r.reason})`).join('; ')}`,
      );
    if (decode.task === 'translate' && !this.info.multilingual) {
      throw new Error(`Model ${this.info.model} is English-only and cannot translate; use a multilingual model.`);
    }
    return this.recognizers.use(async (recognizer) => {
      const segmenter = this.segmenter(decode);
      const resume = hooks.resumeFrom;
      const segments: Segment[] = [...(resume?.segments ?? [])];
      let language = resume?.language ?? (decode.language || (this.info.multilingual ? null : 'en'));
      // Sample index of the file where `audio` starts, and where decoding resumes.
      const offset = Math.round(resumeStart(resume) * ENGINE_SAMPLE_RATE);
      const resumeAt = Math.round((resume?.position ?? 0) * ENGINE_SAMPLE_RATE);
      let samplesRead = offset;

      const decodeChunk = async (relative: SpeechChunk) => {
        hooks.signal?.throwIfAborted();
        const chunk = { start: relative.start + offset, samples: relative.samples };
        if (chunk.start < resumeAt) return; // decoded before the interruption; seen again only to warm up the VAD
        language ??= this.detectLanguage(chunk.samples);
        recognizer.configure(language, decode.task);
        const { text } = await recognizer.decode(chunk.samples, ENGINE_SAMPLE_RATE);
        const segment = text.trim() ? chunkToSegment(segments.length, chunk, ENGINE_SAMPLE_RATE, text) : null;
        if (segment) segments.push(segment);
        const position = roundTime((chunk.start + chunk.samples.length) / ENGINE_SAMPLE_RATE);
        await hooks.onProgress?.(segment, samplesRead / ENGINE_SAMPLE_RATE, { position, language, segments });
      };

      for await (const samples of audio) {
        hooks.signal?.throwIfAborted();
        samplesRead += samples.length;
        for (const chunk of segmenter.push(samples)) await decodeChunk(chunk);
      }
      for (const chunk of segmenter.flush()) await decodeChunk(chunk);

      return {
        text: joinSegmentText(segments, language),
        language,
        duration: roundTime(samplesRead / ENGINE_SAMPLE_RATE),
        segments,
      };
    });
  }

  /** The chunker for these options: Silero VAD or fixed windows, limited to `clip_timestamps`. */
  private segmenter(decode: DecodeOptions): Segmenter {
    const rate = ENGINE_SAMPLE_RATE;
    const chunkSeconds = effectiveChunkLength(decode);
    const create = (): Segmenter =>
      decode.vad_filter
        ? new SpeechSegmenter(
            this.options.vadModel,
            {
              threshold: decode.threshold,
              minSpeechDuration: decode.min_speech_duration_ms / 1000,
              minSilenceDuration: decode.min_silence_duration_ms / 1000,
              maxSpeechDuration: chunkSeconds,
              speechPad: decode.speech_pad_ms / 1000,
            },
            rate,
          )
        : new FixedWindowSegmenter(Math.floor(chunkSeconds * rate));
    const clips = parseClipTimestamps(decode.clip_timestamps);
    if (!clips) return create();
    return new ClipSegmenter(
      clips.map(([start, end]): [number, number] => [
        Math.round(start * rate),
        end === Infinity ? Infinity : Math.round(end * rate),
      ]),
      create,
    );
  }
}
