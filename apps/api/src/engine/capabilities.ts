import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import {
  type DecodeOptions,
  installedModelCapabilities,
  type ModelCapabilities,
  NO_DIARIZATION,
  whisperCapabilities,
} from '@app/asr-engine';
import type { HarkConfig } from '@app/config';
import type { LiveModel } from '@app/tasks';

/**
 * What a task's model can give besides text, and whether speaker diarization is possible (both
 * diarization models are installed, checked on every call). Word times are read from the model's
 * files when this node has them under MODELS_DIR (cached per file); otherwise they are what the live
 * processors serving it announce (`live`, from the processor registry); a model known neither way
 * counts as having no extras. Diarization models this node cannot see count as missing.
 * @param model a model name (ASR_MODELS of some processor), e.g. `large-v3`
 * @param live the models the live processors serve (empty: none known)
 */
export function modelCapabilities(
  config: HarkConfig,
  model: string,
  live: readonly LiveModel[] = [],
): ModelCapabilities {
  const installed = installedModelCapabilities(config.modelsDir, model);
  const wordTimestamps = live.find((served) => served.name === model)?.word_timestamps ?? false;
  return {
    ...(installed ?? whisperCapabilities({ multilingual: true, wordTimestamps })),
    diarization: missingDiarizationModels(config).length === 0,
  };
}

/** `modelCapabilities` of the default model (ASR_MODEL), read from this node's MODELS_DIR. */
export function activeModelCapabilities(config: HarkConfig): ModelCapabilities {
  return modelCapabilities(config, config.asrModel);
}

/** One of the two models speaker diarization needs: its variable, its absolute path, and whether it is installed. */
export interface DiarizationModel {
  variable: 'DIARIZATION_SEGMENTATION_MODEL' | 'DIARIZATION_EMBEDDING_MODEL';
  path: string;
  installed: boolean;
}

/** The segmentation (pyannote) and embedding (speaker-embedding) models of speaker diarization, in that order. */
export function diarizationModels(config: HarkConfig): [DiarizationModel, DiarizationModel] {
  const model = (variable: DiarizationModel['variable'], path: string) => ({
    variable,
    path,
    installed: existsSync(path),
  });
  return [
    model('DIARIZATION_SEGMENTATION_MODEL', config.diarizationSegmentationModel),
    model('DIARIZATION_EMBEDDING_MODEL', config.diarizationEmbeddingModel),
  ];
}

/** The diarization models that are not installed (empty when diarization is possible). */
export function missingDiarizationModels(config: HarkConfig): DiarizationModel[] {
  return diarizationModels(config).filter((model) => !model.installed);
}

/**
 * Why `diarize=true` cannot be applied, naming each missing model by its variable and path
 * (relative to MODELS_DIR when it is under it, as the variable is usually given), and how to get
 * them; undefined when both are installed.
 */
export function diarizationUnavailableReason(config: HarkConfig): string | undefined {
  const missing = missingDiarizationModels(config);
  if (!missing.length) return undefined;
  const shown = (path: string) => {
    const under = relative(config.modelsDir, path);
    return under && !under.startsWith('..') && !isAbsolute(under) ? `${under} under MODELS_DIR` : path;
  };
  const names = missing.map((model) => `${model.variable} (${shown(model.path)})`).join(' and ');
  const verb = missing.length === 1 ? 'is' : 'are';
  return `speaker diarization needs two models, and ${names} ${verb} not installed; install them with \`npm run models:download -- diarization\` (into MODELS_DIR, which the api reads too), or point the variable at the file`;
}

/**
 * Why `option` cannot be changed from its default on this deployment, in the api's words: the
 * engine's reason (`unsupportedReason`), except that a refused `diarize` names the missing models
 * (`diarizationUnavailableReason`), and `num_speakers` and `diarization_threshold` are refused with
 * it (they only apply with `diarize=true`).
 * @param engineReason what `unsupportedReason(option, modelCapabilities(config, model))` says
 */
export function deploymentReason(
  option: keyof DecodeOptions,
  engineReason: string | undefined,
  config: HarkConfig,
): string | undefined {
  if (option === 'diarize' && engineReason === NO_DIARIZATION)
    return diarizationUnavailableReason(config) ?? engineReason;
  if (option === 'num_speakers' || option === 'diarization_threshold') {
    const reason = diarizationUnavailableReason(config);
    if (reason) return `${option} only applies with diarize=true, which is not available: ${reason}`;
  }
  return engineReason;
}
