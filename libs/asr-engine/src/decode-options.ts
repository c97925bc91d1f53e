import { MAX_CHUNK_SECONDS } from './segments';
import { DEFAULT_VAD_OPTIONS } from './speech-segmenter';
import type { ModelCapabilities } from './engine/model-capabilities';
import type { TranscriptionTask } from './transcript';

/**
 * The Whisper decoding and VAD options clients may send, with the names and meanings used by
 * openai-whisper, faster-whisper and whisper-asr-webservice (faster-whisper's `transcribe()` and
 * `VadOptions`). Times in seconds unless the name says `_ms`.
 */
export interface DecodeOptions {
  language: string | null;
  task: TranscriptionTask;
  temperature: number;
  beam_size: number;
  best_of: number;
  patience: number;
  initial_prompt: string | null;
  prefix: string | null;
  hotwords: string | null;
  compression_ratio_threshold: number | null;
  log_prob_threshold: number | null;
  no_speech_threshold: number | null;
  condition_on_previous_text: boolean;
  word_timestamps: boolean;
  prepend_punctuations: string;
  append_punctuations: string;
  /** "start,end,start,end,…" in seconds; the last end may be left out (to the end of the file). */
  clip_timestamps: string;
  hallucination_silence_threshold: number | null;
  /** Longest chunk given to Whisper, in seconds (≤ 30). */
  chunk_length: number;
  vad_filter: boolean;
  threshold: number;
  /** Speaker diarization: who spoke when (a `speaker` on segments and words). */
  diarize: boolean;
  /** With `diarize`: the exact number of speakers, or null to find it by `diarization_threshold`. */
  num_speakers: number | null;
  /** With `diarize` and no `num_speakers`: the clustering threshold (higher → fewer speakers). */
  diarization_threshold: number;
  min_speech_duration_ms: number;
  max_speech_duration_s: number;
  min_silence_duration_ms: number;
  speech_pad_ms: number;
}

/**
 * Defaults. Where the engine's behaviour is fixed, the default is that behaviour: greedy decoding
 * (temperature 0, beam_size 1), windows decoded without the previous text, no word timestamps.
 * The no-op defaults of faster-whisper are kept where an option only matters for a feature the
 * engine lacks (best_of, patience, the thresholds of the temperature fallback).
 */
export const DEFAULT_DECODE_OPTIONS: Readonly<DecodeOptions> = {
  language: null,
  task: 'transcribe',
  temperature: 0,
  beam_size: 1,
  best_of: 5,
  patience: 1,
  initial_prompt: null,
  prefix: null,
  hotwords: null,
  compression_ratio_threshold: 2.4,
  log_prob_threshold: -1,
  no_speech_threshold: 0.6,
  condition_on_previous_text: false,
  word_timestamps: false,
  prepend_punctuations: '"\'“¿([{-',
  append_punctuations: '"\'.。,，!！?？:：”)]}、',
  clip_timestamps: '0',
  hallucination_silence_threshold: null,
  chunk_length: 30,
  vad_filter: true,
  threshold: DEFAULT_VAD_OPTIONS.threshold,
  diarize: false,
  num_speakers: null,
  // sherpa-onnx's default FastClustering threshold.
  diarization_threshold: 0.5,
  min_speech_duration_ms: DEFAULT_VAD_OPTIONS.minSpeechDuration * 1000,
  max_speech_duration_s: DEFAULT_VAD_OPTIONS.maxSpeechDuration,
  min_silence_duration_ms: DEFAULT_VAD_OPTIONS.minSilenceDuration * 1000,
  speech_pad_ms: DEFAULT_VAD_OPTIONS.speechPad * 1000,
};

/** Why `diarize` is refused when the diarization models are missing, and how to get them. */
export const NO_DIARIZATION =
  'speaker diarization needs DIARIZATION_SEGMENTATION_MODEL and DIARIZATION_EMBEDDING_MODEL, which are not installed; run `npm run models:download -- diarization`';

/** Why an option cannot be changed from its default on this model, or undefined when it can. */
export function unsupportedReason(option: keyof DecodeOptions, capabilities: ModelCapabilities): string | undefined {
  if (option === 'diarize' && capabilities.diarization === false)
    return capabilities.diarizationReason ?? NO_DIARIZATION;
  return capabilities.refused[option];
}

/** An option the engine cannot apply with the value given. */
export interface RefusedOption {
  option: keyof DecodeOptions;
  value: unknown;
  reason: string;
}

/** Fills in defaults. */
export function withDefaults(options: Partial<DecodeOptions>): DecodeOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_DECODE_OPTIONS, ...defined };
}

/** The options set to a value the engine cannot apply with this model (empty when everything can be honoured). */
export function refusedOptions(options: DecodeOptions, capabilities: ModelCapabilities): RefusedOption[] {
  return (Object.keys(DEFAULT_DECODE_OPTIONS) as (keyof DecodeOptions)[]).flatMap((option) => {
    const reason = unsupportedReason(option, capabilities);
    return reason && options[option] !== DEFAULT_DECODE_OPTIONS[option]
      ? [{ option, value: options[option], reason }]
      : [];
  });
}

/**
 * Parses `clip_timestamps` ("0" = the whole file; "10,20,35" = 10–20 s and 35 s to the end).
 * @param maxRanges most ranges accepted (MAX_CLIP_RANGES); each range is VAD-cut and decoded on its own
 * @returns ascending [start, end) ranges in seconds, or null for the whole file
 * @throws Error when the list is not ascending numbers, or lists more than `maxRanges` ranges (the
 *   message names the limit and MAX_CLIP_RANGES)
 */
export function parseClipTimestamps(value: string, maxRanges = Infinity): [number, number][] | null {
  const times = value.split(',').map((part) => Number(part.trim()));
  const ranges = Math.ceil(times.length / 2);
  if (ranges > maxRanges)
    throw new Error(
      `clip_timestamps lists ${ranges} ranges; at most ${maxRanges} are accepted (MAX_CLIP_RANGES): send fewer, wider ranges, or raise MAX_CLIP_RANGES on the server`,
    );
  if (times.some((time) => !Number.isFinite(time) || time < 0))
    throw new Error('clip_timestamps must be comma-separated seconds, e.g. "0,30,60,90"');
  if (times.some((time, i) => i > 0 && time <= times[i - 1]))
    throw new Error('clip_timestamps must be strictly ascending');
  if (times.length === 1 && times[0] === 0) return null;
  const clips: [number, number][] = [];
  for (let i = 0; i < times.length; i += 2) clips.push([times[i], times[i + 1] ?? Infinity]);
  return clips;
}

/** The chunk length actually used: `chunk_length`, capped at what sherpa-onnx decodes in one call. */
export function effectiveChunkLength(options: Pick<DecodeOptions, 'chunk_length' | 'max_speech_duration_s'>): number {
  return Math.min(options.chunk_length, options.max_speech_duration_s, MAX_CHUNK_SECONDS);
}
