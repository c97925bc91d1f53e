import { WHISPER_SAMPLE_RATE } from '@app/media';
import { OfflineRecognizer, type OfflineRecognizerConfig } from 'sherpa-onnx-node';
import type { WhisperModelFiles } from './model-files';
import type { WhisperTask } from './transcript';

/** Runtime settings shared by every recognizer of an engine. */
export interface RecognizerSettings {
  /** ONNX Runtime provider: `cpu` or `cuda`. */
  provider: string;
  /** Intra-op threads per recognizer. */
  numThreads: number;
}

/** What Whisper returned for one chunk. */
export interface ChunkResult {
  text: string;
  /** The language the decoder ran in (ISO code). */
  language: string;
}

/**
 * One sherpa-onnx Whisper `OfflineRecognizer`: the model loaded once and reused for many chunks.
 * Not safe for concurrent use; an engine hands each transcription its own (see `Pool`).
 */
export class WhisperRecognizer {
  private language = '';
  private task: WhisperTask = 'transcribe';

  private constructor(
    private readonly recognizer: OfflineRecognizer,
    private readonly model: WhisperModelFiles,
    private readonly settings: RecognizerSettings,
  ) {}

  /** Loads the model off the event loop. Throws sherpa-onnx's error when a file is not a valid model. */
  static async load(model: WhisperModelFiles, settings: RecognizerSettings): Promise<WhisperRecognizer> {
    const recognizer = await OfflineRecognizer.createAsync(recognizerConfig(model, settings, '', 'transcribe'));
    return new WhisperRecognizer(recognizer, model, settings);
  }

  /** Sets the decoding language (ISO code, '' to let Whisper pick per chunk) and task. */
  configure(language: string, task: WhisperTask): void {
    if (language === this.language && task === this.task) return;
    this.recognizer.setConfig(recognizerConfig(this.model, this.settings, language, task));
    this.language = language;
    this.task = task;
  }

  /**
   * Decodes one chunk without blocking the event loop (`decodeAsync`).
   * @param samples Float32 mono at 16 kHz, at most 29.5 s (sherpa-onnx drops the rest)
   */
  async decode(samples: Float32Array, sampleRate: number): Promise<ChunkResult> {
    const stream = this.recognizer.createStream();
    stream.acceptWaveform({ samples, sampleRate });
    const result = await this.recognizer.decodeAsync(stream);
    return { text: result.text, language: result.lang };
  }
}

function recognizerConfig(
  model: WhisperModelFiles,
  settings: RecognizerSettings,
  language: string,
  task: WhisperTask,
): OfflineRecognizerConfig {
  return {
    featConfig: { sampleRate: WHISPER_SAMPLE_RATE, featureDim: 80 },
    modelConfig: {
      whisper: { encoder: model.encoder, decoder: model.decoder, language, task },
      tokens: model.tokens,
      numThreads: settings.numThreads,
      provider: settings.provider,
      debug: 0,
    },
  };
}
