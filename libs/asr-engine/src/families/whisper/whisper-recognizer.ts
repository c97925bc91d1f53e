import { WHISPER_SAMPLE_RATE } from '@app/media';
import { OfflineRecognizer, type OfflineRecognizerConfig } from 'sherpa-onnx-node';
import type { WhisperModelFiles } from './whisper-model-files';
import type { TranscriptionTask } from '../../transcript';
import type { TimedToken } from '../../words';

/** Runtime settings shared by every recognizer of an engine. */
export interface RecognizerSettings {
  /** ONNX Runtime provider: `cpu` or `cuda`. */
  provider: string;
  /** Intra-op threads per recognizer. */
  numThreads: number;
}

/** How one decode runs. */
export interface DecodeSettings {
  /** ISO code, or '' to let Whisper detect it. */
  language: string;
  task: TranscriptionTask;
  /** Whisper's timestamp tokens: the window is split into segments. */
  segmentTimestamps: boolean;
  /** Token times from cross-attention (only with a decoder that outputs it). */
  tokenTimestamps: boolean;
}

/** A segment of one decode; times in seconds from the start of the decoded samples. */
export interface RawSegment {
  start: number;
  end: number;
  /** As Whisper wrote it, leading space included. */
  text: string;
}

/** What Whisper returned for one decode. */
export interface DecodeResult {
  text: string;
  /** The language the decoder ran in (ISO code). */
  language: string;
  /** Whisper's segments (empty without segment timestamps, or when the model gave none). */
  segments: RawSegment[];
  /** Text tokens with times (empty without token timestamps). */
  tokens: TimedToken[];
  /**
   * Seconds of features the encoder ran on: sherpa-onnx pads the input with 10 s of silence
   * (1000 frames) and caps it at 30 s (`offline-recognizer-whisper-impl.h`).
   */
  encoderSeconds: number;
}

/** Feature frames per second (10 ms shift) and sherpa-onnx's padding and cap, in frames. */
const FRAMES_PER_SECOND = 100;
const TAIL_PADDING_FRAMES = 1000;
const MAX_FRAMES = 3000;

/**
 * One sherpa-onnx Whisper `OfflineRecognizer`: the model loaded once and reused for many windows.
 * Not safe for concurrent use; an engine lends each to one window at a time (see `Pool`).
 */
export class WhisperRecognizer {
  private configured = '';

  private constructor(
    private readonly recognizer: OfflineRecognizer,
    private readonly model: WhisperModelFiles,
    private readonly settings: RecognizerSettings,
  ) {}

  /** Loads the model off the event loop. Throws sherpa-onnx's error when a file is not a valid model. */
  static async load(model: WhisperModelFiles, settings: RecognizerSettings): Promise<WhisperRecognizer> {
    const initial: DecodeSettings = {
      language: '',
      task: 'transcribe',
      segmentTimestamps: false,
      tokenTimestamps: false,
    };
    const recognizer = await OfflineRecognizer.createAsync(recognizerConfig(model, settings, initial));
    const loaded = new WhisperRecognizer(recognizer, model, settings);
    loaded.configured = JSON.stringify(initial);
    return loaded;
  }

  /**
   * Decodes one window without blocking the event loop (`decodeAsync`).
   * @param samples Float32 mono at 16 kHz, at most 29.5 s (sherpa-onnx drops the rest)
   */
  async decode(samples: Float32Array, settings: DecodeSettings): Promise<DecodeResult> {
    this.configure(settings);
    const stream = this.recognizer.createStream();
    stream.acceptWaveform({ samples, sampleRate: WHISPER_SAMPLE_RATE });
    const result = await this.recognizer.decodeAsync(stream);
    const starts = result.segment_timestamps ?? [];
    const durations = result.durations ?? [];
    const frames = Math.floor((samples.length / WHISPER_SAMPLE_RATE) * FRAMES_PER_SECOND);
    return {
      text: result.text,
      language: result.lang,
      segments: starts.map((start, i) => ({
        start,
        end: start + (result.segment_durations?.[i] ?? 0),
        text: result.segment_texts?.[i] ?? '',
      })),
      tokens:
        settings.tokenTimestamps && result.timestamps.length === result.tokens.length
          ? result.tokens.map((text, i) => ({
              text,
              start: result.timestamps[i],
              end: result.timestamps[i] + (durations[i] ?? 0),
            }))
          : [],
      encoderSeconds: Math.min(frames + TAIL_PADDING_FRAMES, MAX_FRAMES) / FRAMES_PER_SECOND,
    };
  }

  /** Applies the decode settings (sherpa-onnx's `setConfig` replaces the whole Whisper config). */
  private configure(settings: DecodeSettings): void {
    const key = JSON.stringify(settings);
    if (key === this.configured) return;
    this.recognizer.setConfig(recognizerConfig(this.model, this.settings, settings));
    this.configured = key;
  }
}

function recognizerConfig(
  model: WhisperModelFiles,
  settings: RecognizerSettings,
  decode: DecodeSettings,
): OfflineRecognizerConfig {
  return {
    featConfig: { sampleRate: WHISPER_SAMPLE_RATE, featureDim: 80 },
    modelConfig: {
      whisper: {
        encoder: model.encoder,
        decoder: model.decoder,
        language: decode.language,
        task: decode.task,
        // sherpa-onnx-node reads these as numbers: `true` is ignored.
        enableSegmentTimestamps: decode.segmentTimestamps ? 1 : 0,
        enableTokenTimestamps: decode.tokenTimestamps ? 1 : 0,
      },
      tokens: model.tokens,
      numThreads: settings.numThreads,
      provider: settings.provider,
      debug: 0,
    },
  };
}
