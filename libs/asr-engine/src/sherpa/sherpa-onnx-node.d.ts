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
  }
}
