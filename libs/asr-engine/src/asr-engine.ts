import { assertVadModel, resolveWhisperModel, type WhisperModelFiles } from './model-files';
import { LanguageIdentifier } from './language-identifier';
import { Pool } from './recognizer-pool';
import { chunkToSegment, joinSegmentText, roundTime } from './segments';
import { DEFAULT_VAD_OPTIONS, SpeechSegmenter, type VadOptions } from './speech-segmenter';
import type { Segment, SpeechChunk, Transcript, WhisperTask } from './transcript';
import { WhisperRecognizer } from './whisper-recognizer';

/** Sample rate of everything the engine takes, in Hz. */
export const ENGINE_SAMPLE_RATE = 16000;

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

export interface TranscribeOptions {
  /** ISO code to decode in; null or '' detects it once on the first speech chunk. */
  language?: string | null;
  task: WhisperTask;
  vad?: Partial<VadOptions>;
  /**
   * Called after each chunk is decoded, in order, with the new segment (null when the chunk
   * held no text) and how many seconds of audio have been read so far. Awaited: a slow callback
   * slows reading (back-pressure), never buffers audio.
   */
  onProgress?: (segment: Segment | null, secondsRead: number) => Promise<void> | void;
  /** Aborting stops the transcription between chunks with the signal's reason. */
  signal?: AbortSignal;
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
    const recognizers = await Promise.all(Array.from({ length: options.concurrency }, () => WhisperRecognizer.load(model, settings)));
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
    this.identifier ??= new LanguageIdentifier(this.model, { provider: this.options.provider, numThreads: this.options.numThreads });
    return this.identifier.detect(samples, ENGINE_SAMPLE_RATE);
  }

  /**
   * Transcribes a stream of audio. Reads the stream as it decodes, so memory is bounded by one
   * speech chunk whatever the stream's length.
   * @param audio Float32 mono samples at 16 kHz, in chunks of any size (e.g. `decodePcm()`)
   * @throws the stream's error, the abort reason, or sherpa-onnx's decoding error
   */
  async transcribe(audio: AsyncIterable<Float32Array>, options: TranscribeOptions): Promise<Transcript> {
    if (options.task === 'translate' && !this.info.multilingual) {
      throw new Error(`Model ${this.info.model} is English-only and cannot translate; use a multilingual model.`);
    }
    return this.recognizers.use(async (recognizer) => {
      const segmenter = new SpeechSegmenter(this.options.vadModel, { ...DEFAULT_VAD_OPTIONS, ...options.vad }, ENGINE_SAMPLE_RATE);
      const segments: Segment[] = [];
      let language = options.language || (this.info.multilingual ? null : 'en');
      let samplesRead = 0;

      const decodeChunk = async (chunk: SpeechChunk) => {
        options.signal?.throwIfAborted();
        language ??= this.detectLanguage(chunk.samples);
        recognizer.configure(language, options.task);
        const { text } = await recognizer.decode(chunk.samples, ENGINE_SAMPLE_RATE);
        const segment = text.trim() ? chunkToSegment(segments.length, chunk, ENGINE_SAMPLE_RATE, text) : null;
        if (segment) segments.push(segment);
        await options.onProgress?.(segment, samplesRead / ENGINE_SAMPLE_RATE);
      };

      for await (const samples of audio) {
        options.signal?.throwIfAborted();
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
}
