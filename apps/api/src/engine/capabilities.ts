import {
  type DecodeOptions,
  diarizationUnavailableReason,
  missingDiarizationModels,
  type ModelCapabilities,
  NO_DIARIZATION,
  unsupportedReason,
  WHISPER_LANGUAGE_CODES,
} from '@app/asr-engine';
import type { HarkConfig } from '@app/config';
import type { LiveModel } from '@app/tasks';

export { diarizationModels, diarizationUnavailableReason, missingDiarizationModels } from '@app/asr-engine';
export type { DiarizationModel } from '@app/asr-engine';

/** Why `word_timestamps` is refused for a model no running processor has announced. */
export const UNKNOWN_WORD_TIMESTAMPS =
  'no running processor has announced this model, so whether it gives word times is not known; start a processor that serves it (GET /api/v1/engine lists live_models)';

/**
 * What a task's model can do, from the processor registry only: what the live processors serving
 * it announce (family, languages, features, refused decode options with their reasons, speaker
 * diarization). A model no live processor serves (the default model while its processors restart)
 * is known only by what this node's configuration says: no refused option but word times (not
 * known), and speaker diarization as the diarization model variables (DIARIZATION_*_MODEL) say.
 * @param model a model name (ASR_MODELS of some processor), e.g. `large-v3`
 * @param live the models the live processors serve (empty: none known)
 */
export function modelCapabilities(
  config: HarkConfig,
  model: string,
  live: readonly LiveModel[] = [],
): ModelCapabilities {
  const served = live.find((entry) => entry.name === model);
  if (!served) return offlineCapabilities(config);
  const wordTimestamps = served.word_timestamps; // merged over every processor serving the model
  const refused: Partial<Record<keyof DecodeOptions, string>> = served.decode_options
    ? served.decode_options.refused
    : wordTimestamps
      ? {}
      : { word_timestamps: UNKNOWN_WORD_TIMESTAMPS };
  const diarization = served.diarization ?? localDiarization(config);
  return {
    family: served.family ?? 'unknown',
    languages: served.languages ?? WHISPER_LANGUAGE_CODES,
    translate: served.features?.translate ?? true,
    segmentTimestamps: served.features?.segment_timestamps ?? true,
    wordTimestamps,
    refused,
    diarization: diarization.available,
    ...(diarization.reason && { diarizationReason: diarization.reason }),
  };
}

/**
 * `modelCapabilities` of a model no live processor serves: what this node's configuration says
 * (no model files are read; word times are not known, so refused).
 */
export function activeModelCapabilities(config: HarkConfig): ModelCapabilities {
  return offlineCapabilities(config);
}

function offlineCapabilities(config: HarkConfig): ModelCapabilities {
  return {
    family: 'unknown',
    languages: WHISPER_LANGUAGE_CODES,
    translate: true,
    segmentTimestamps: true,
    wordTimestamps: false,
    refused: { word_timestamps: UNKNOWN_WORD_TIMESTAMPS },
    diarization: missingDiarizationModels(config).length === 0,
  };
}

/** Speaker diarization as this node's DIARIZATION_*_MODEL variables say (for processors that do not announce it). */
function localDiarization(config: HarkConfig): { available: boolean; reason?: string } {
  const reason = diarizationUnavailableReason(config);
  return reason ? { available: false, reason } : { available: true };
}

/**
 * Why `option` cannot be changed from its default on this deployment, in the api's words: the
 * engine's reason (`unsupportedReason`), except that a refused `diarize` without a processor's
 * reason (`NO_DIARIZATION`) names the missing models (`diarizationUnavailableReason`).
 * (`optionReason` refuses `num_speakers` and `diarization_threshold` with `diarize`.)
 * @param engineReason what `unsupportedReason(option, modelCapabilities(config, model))` says
 */
export function deploymentReason(
  option: keyof DecodeOptions,
  engineReason: string | undefined,
  config: HarkConfig,
): string | undefined {
  if (option === 'diarize' && engineReason === NO_DIARIZATION)
    return diarizationUnavailableReason(config) ?? engineReason;
  return engineReason;
}

/**
 * Why each decode option cannot be changed from its default with a model (`undefined`: it can),
 * as the engine endpoint lists them: the model's refusals (`deploymentReason` for `diarize`), and
 * `num_speakers` and `diarization_threshold` refused with `diarize`.
 */
export function optionReason(
  option: keyof DecodeOptions,
  capabilities: ModelCapabilities,
  config: HarkConfig,
): string | undefined {
  if (option === 'num_speakers' || option === 'diarization_threshold') {
    const diarize = optionReason('diarize', capabilities, config);
    return diarize && `${option} only applies with diarize=true, which is not available: ${diarize}`;
  }
  return deploymentReason(option, unsupportedReason(option, capabilities), config);
}
