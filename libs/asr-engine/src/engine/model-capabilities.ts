import type { DecodeOptions } from '../decode-options';

/**
 * What a model can do, as its family states it: read from the model's files without loading it
 * (`ModelFamily.capabilities`), announced by each processor in the registry, and read by the api
 * for the engine endpoint and for refusals (422). Plain JSON data.
 */
export interface ModelCapabilities {
  /** The model family, e.g. `whisper` (see `MODEL_FAMILIES`). */
  family: string;
  /** Languages the model transcribes, as ISO codes (`language` accepts these). */
  languages: readonly string[];
  /** Whether `task=translate` (to English) is possible. */
  translate: boolean;
  /** Whether segments get their own times within a window (else one segment per speech region). */
  segmentTimestamps: boolean;
  /** Whether `word_timestamps=true` gives word times. */
  wordTimestamps: boolean;
  /**
   * Each decode option the model cannot apply, and why: such an option is accepted only at its
   * default value (`DEFAULT_DECODE_OPTIONS`); the others are applied.
   */
  refused: Readonly<Partial<Record<keyof DecodeOptions, string>>>;
  /**
   * Speaker diarization: both diarization models are installed where the model runs. Absent: not
   * known (no refusal).
   */
  diarization?: boolean;
  /** With `diarization: false`: why, naming what is missing (else `NO_DIARIZATION` is the reason). */
  diarizationReason?: string;
}
