import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

/** Where the two diarization models are (HarkConfig has these fields). Paths are absolute. */
export interface DiarizationModelPaths {
  modelsDir: string;
  diarizationSegmentationModel: string;
  diarizationEmbeddingModel: string;
}

/** One of the two models speaker diarization needs: its variable, its absolute path, and whether it is installed. */
export interface DiarizationModel {
  variable: 'DIARIZATION_SEGMENTATION_MODEL' | 'DIARIZATION_EMBEDDING_MODEL';
  path: string;
  installed: boolean;
}

/** The segmentation (pyannote) and embedding (speaker-embedding) models of speaker diarization, in that order. */
export function diarizationModels(paths: DiarizationModelPaths): [DiarizationModel, DiarizationModel] {
  const model = (variable: DiarizationModel['variable'], path: string) => ({
    variable,
    path,
    installed: existsSync(path),
  });
  return [
    model('DIARIZATION_SEGMENTATION_MODEL', paths.diarizationSegmentationModel),
    model('DIARIZATION_EMBEDDING_MODEL', paths.diarizationEmbeddingModel),
  ];
}

/** The diarization models that are not installed (empty when diarization is possible). */
export function missingDiarizationModels(paths: DiarizationModelPaths): DiarizationModel[] {
  return diarizationModels(paths).filter((model) => !model.installed);
}

/**
 * Why `diarize=true` cannot be applied, naming each missing model by its variable and path
 * (relative to MODELS_DIR when it is under it, as the variable is usually given), and how to get
 * them; undefined when both are installed.
 */
export function diarizationUnavailableReason(paths: DiarizationModelPaths): string | undefined {
  const missing = missingDiarizationModels(paths);
  if (!missing.length) return undefined;
  const shown = (path: string) => {
    const under = relative(paths.modelsDir, path);
    return under && !under.startsWith('..') && !isAbsolute(under) ? `${under} under MODELS_DIR` : path;
  };
  const names = missing.map((model) => `${model.variable} (${shown(model.path)})`).join(' and ');
  const verb = missing.length === 1 ? 'is' : 'are';
  return `speaker diarization needs two models, and ${names} ${verb} not installed; install them with \`npm run models:download -- diarization\` (into MODELS_DIR, which the api reads too), or point the variable at the file`;
}
