/**
 * Types for the parts of sherpa-onnx-node 1.13.x that Hark uses (the package ships JSDoc only).
 * Shapes follow the package's `types.js`. Only `libs/asr-engine` may import this module.
 */
declare module 'sherpa-onnx-node' {
  export interface WhisperModelConfig {
    encoder: string;
    decoder: string;
    language?: string;
    task?: 'transcribe' | 'translate';
    tailPaddings?: number;
    /** 1 to get `segment_*` in the result (the number: `true` is ignored). */
    enableSegmentTimestamps?: number;
    /** 1 to get per-token `timestamps`/`durations` (needs a decoder with cross-attention outputs). */
    enableTokenTimestamps?: number;
  }
  export interface OfflineRecognizerConfig {
    featConfig?: { sampleRate: number; featureDim: number };
    modelConfig: {
      whisper: WhisperModelConfig;
      tokens: string;
      numThreads?: number;
      provider?: string;
      debug?: number;
    };
  }
  export interface OfflineRecognizerResult {
    lang: string;
    text: string;
    tokens: string[];
    timestamps: number[];
    durations?: number[];
    segment_timestamps?: number[];
    segment_durations?: number[];
    segment_texts?: string[];
  }
  export class OfflineStream {
    acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
  }
  export class OfflineRecognizer {
    constructor(config: OfflineRecognizerConfig);
    static createAsync(config: OfflineRecognizerConfig): Promise<OfflineRecognizer>;
    createStream(): OfflineStream;
    setConfig(config: OfflineRecognizerConfig): void;
    decodeAsync(stream: OfflineStream): Promise<OfflineRecognizerResult>;
  }
  export class SpokenLanguageIdentification {
    constructor(config: {
      whisper: { encoder: string; decoder: string; tailPaddings?: number };
      numThreads?: number;
      provider?: string;
      debug?: number;
    });
    createStream(): OfflineStream;
    compute(stream: OfflineStream): string;
  }
  export interface VadConfig {
    sileroVad: {
      model: string;
      threshold: number;
      minSilenceDuration: number;
      minSpeechDuration: number;
      maxSpeechDuration: number;
      windowSize: number;
    };
    sampleRate: number;
    numThreads?: number;
    provider?: string;
    debug?: number;
  }
  export class Vad {
    constructor(config: VadConfig, bufferSizeInSeconds: number);
    acceptWaveform(samples: Float32Array): void;
    isEmpty(): boolean;
    front(enableExternalBuffer?: boolean): { start: number; samples: Float32Array };
    pop(): void;
    flush(): void;
    /** Forgets the detector state, the buffered samples and segments: the next sample is index 0 again. */
    reset(): void;
  }
  /** Reads a mono or multi-channel WAV file (first channel), samples in [-1, 1] (int16 / 32768). */
  export function readWave(
    filename: string,
    enableExternalBuffer?: boolean,
  ): { samples: Float32Array; sampleRate: number };
  /** Speaker-diarization clustering (`FastClusteringConfig`). */
  export interface FastClusteringConfig {
    /** The exact number of speakers, or -1 (sherpa-onnx's default) to cluster by `threshold`. Read as an int32. */
    numClusters?: number;
    /** Cosine-distance threshold when `numClusters` is -1: higher → fewer speakers. sherpa-onnx's default 0.5. */
    threshold?: number;
  }
  /** Shared fields of the two diarization models' configs. */
  interface DiarizationModelSettings {
    numThreads?: number;
    provider?: string;
    debug?: number;
  }
  /** `OfflineSpeakerDiarizationConfig` (`types.js`); durations in seconds. */
  export interface OfflineSpeakerDiarizationConfig {
    /** pyannote segmentation (`sherpa-onnx-pyannote-segmentation-3-0/model.onnx`). */
    segmentation: DiarizationModelSettings & { pyannote: { model: string } };
    /** A speaker-embedding model (3D-Speaker, WeSpeaker or NeMo export). */
    embedding: DiarizationModelSettings & { model: string };
    clustering?: FastClusteringConfig;
    /** Speech shorter than this is dropped; sherpa-onnx's default 0.3. */
    minDurationOn?: number;
    /** Gaps of one speaker shorter than this are closed; sherpa-onnx's default 0.5. */
    minDurationOff?: number;
  }
  /** One turn: seconds from the start of the samples, and the 0-based cluster index. */
  export interface SpeakerDiarizationSegment {
    start: number;
    end: number;
    speaker: number;
  }
  /** The native object behind an `OfflineSpeakerDiarization` (an N-API external). */
  export interface OfflineSpeakerDiarizationHandle {
    readonly __offlineSpeakerDiarization: unique symbol;
  }
  /**
   * `non-streaming-speaker-diarization.js`. The constructor loads both models synchronously and
   * throws "Please check your config!" for a missing file; sherpa-onnx aborts the process for a
   * file that is not an ONNX model or lacks its metadata.
   */
  export class OfflineSpeakerDiarization {
    constructor(config: OfflineSpeakerDiarizationConfig);
    readonly handle: OfflineSpeakerDiarizationHandle;
    readonly config: OfflineSpeakerDiarizationConfig;
    /** The models' sample rate (16000 for pyannote 3.0). */
    readonly sampleRate: number;
    /** Synchronous: blocks the event loop for the whole run. Samples Float32 mono at `sampleRate`. */
    process(samples: Float32Array): SpeakerDiarizationSegment[];
    /** Replaces the clustering setting (only that) for later runs. */
    setConfig(config: { clustering: FastClusteringConfig }): void;
  }
}

/**
 * The native addon itself (`addon.js`: `module.exports` is the loaded `sherpa-onnx.node`), for what
 * the JS wrappers do not expose. Source: k2-fsa/sherpa-onnx `scripts/node-addon-api/src/*.cc`.
 */
declare module 'sherpa-onnx-node/addon.js' {
  import type { OfflineSpeakerDiarizationHandle, SpeakerDiarizationSegment } from 'sherpa-onnx-node';

  interface SherpaOnnxAddon {
    /**
     * `non-streaming-speaker-diarization.cc` (`SpeakerDiarizationProcessWorker`): copies the samples,
     * then diarizes them on a libuv worker thread. `onProgress` is called on the event loop after each
     * window's embeddings, through a queue of its own, so calls may still arrive after the promise
     * resolved; an exception it throws is not caught. All three arguments are required. The promise
     * resolves to the turns sorted by start and never rejects.
     */
    offlineSpeakerDiarizationProcessAsync(
      handle: OfflineSpeakerDiarizationHandle,
      samples: Float32Array,
      onProgress: (numProcessedChunks: number, numTotalChunks: number) => void,
    ): Promise<SpeakerDiarizationSegment[]>;
  }
  const addon: SherpaOnnxAddon;
  export default addon;
}
