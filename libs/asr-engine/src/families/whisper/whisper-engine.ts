import { WHISPER_SAMPLE_RATE as ENGINE_SAMPLE_RATE } from '@app/media';
import { Logger } from '@nestjs/common';
import { assertCudaExecution } from '../../cuda-check';
import { type DecodeOptions, refusedOptions, withDefaults } from '../../decode-options';
import type { AsrEngine, AsrEngineOptions, EngineInfo, TranscribeHooks } from '../../engine/asr-engine';
import { assertVadModel, resolvePrecision } from '../../engine/model-files';
import {
  assertApplicable,
  firstSpeech,
  transcribeWindows,
  type WindowedModel,
} from '../../engine/windowed-transcription';
import { Pool } from '../../pool';
import type { Transcript } from '../../transcript';
import { LanguageIdentifier } from './language-identifier';
import { isMultilingual, whisperModelCapabilities } from './whisper-capabilities';
import { resolveWhisperModel, type WhisperModelFiles } from './whisper-model-files';
import { WhisperRecognizer } from './whisper-recognizer';
import { WindowDecoder, type WindowDecodeOptions } from './window-decoder';

/**
 * Whisper speech-to-text on sherpa-onnx: the shared window pipeline (`transcribeWindows`: Silero
 * VAD, speech packed into windows of up to 29 s) with Whisper decoding each window into segments
 * with its own timestamps (and words, with a cross-attention decoder), under the hallucination
 * guard (`WindowDecoder`). One pool of recognizers, loaded once (`WhisperEngine.load`), serves
 * every running transcription; the windows of one file are decoded in parallel and reassembled in order.
 */
export class WhisperEngine implements AsrEngine {
  private identifier?: LanguageIdentifier;
  private readonly logger = new Logger(WhisperEngine.name);
  private readonly windows: WindowDecoder;
  private readonly multilingual: boolean;

  private constructor(
    private readonly model: WhisperModelFiles,
    private readonly options: AsrEngineOptions,
    private readonly recognizers: Pool<WhisperRecognizer>,
    readonly info: EngineInfo,
  ) {
    this.multilingual = isMultilingual(options.model);
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
  static async load(options: AsrEngineOptions): Promise<WhisperEngine> {
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
      capabilities: whisperModelCapabilities(model),
    };
    return new WhisperEngine(model, options, new Pool(recognizers), info);
  }

  /**
   * Identifies the spoken language of up to 30 s of speech.
   * @param samples Float32 mono at 16 kHz
   * @returns an ISO code such as `en`; always `en` for English-only models
   */
  detectLanguage(samples: Float32Array): string {
    if (!this.multilingual) return 'en';
    this.identifier ??= new LanguageIdentifier(this.model, {
      provider: this.options.provider,
      numThreads: this.options.numThreads,
    });
    return this.identifier.detect(samples, ENGINE_SAMPLE_RATE);
  }

  /** See `AsrEngine.identifyLanguage`: Whisper's language identification on the first 30 s of speech. */
  async identifyLanguage(audio: AsyncIterable<Float32Array>): Promise<string | null> {
    const speech = await firstSpeech(audio, this.options.vadModel, 30);
    return speech && this.detectLanguage(speech);
  }

  /**
   * See `AsrEngine.transcribe`. `language` null or '' detects the language once, on the first
   * window, before the windows fan out (English-only models are always `en`).
   * @throws Error for options Whisper cannot apply (see `refusedOptions`) or translation with
   *   an English-only model; the stream's error; the abort reason; sherpa-onnx's decoding error
   */
  async transcribe(
    audio: AsyncIterable<Float32Array>,
    options: Partial<DecodeOptions>,
    hooks: TranscribeHooks = {},
  ): Promise<Transcript> {
    const decode = withDefaults(options);
    assertApplicable(refusedOptions(decode, this.info.capabilities));
    if (decode.task === 'translate' && !this.multilingual) {
      throw new Error(`Model ${this.info.model} is English-only and cannot translate; use a multilingual model.`);
    }
    const settings = (language: string): WindowDecodeOptions => ({
      language,
      task: decode.task,
      words: decode.word_timestamps,
      punctuation: { prepend: decode.prepend_punctuations, append: decode.append_punctuations },
      compressionRatioThreshold: decode.compression_ratio_threshold,
    });
    const model: WindowedModel = {
      vadModel: this.options.vadModel,
      windowsInFlight: this.options.windowsInFlight ?? this.options.poolSize,
      language: decode.language || (this.multilingual ? null : 'en'),
      detectLanguage: (samples) => this.detectLanguage(samples),
      decodeWindow: (window, language, signal) =>
        this.recognizers.use((recognizer) => {
          signal?.throwIfAborted();
          return this.windows.decode(recognizer, window, settings(language));
        }),
    };
    return transcribeWindows(audio, decode, hooks, model);
  }
}
