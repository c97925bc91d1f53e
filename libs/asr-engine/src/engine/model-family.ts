import type { AsrEngine, AsrEngineOptions } from './asr-engine';
import type { ModelCapabilities } from './model-capabilities';

/**
 * A family of models that share a file layout and a decoder (Whisper, and later SenseVoice,
 * NeMo transducers, …): it finds and validates its models' files, states what a model can do, and
 * loads it as an `AsrEngine`. Each family lives in its own folder under `families/` and is listed
 * in `MODEL_FAMILIES`.
 */
export interface ModelFamily {
  /** e.g. `whisper`; announced per model (`ModelCapabilities.family`). */
  readonly name: string;

  /**
   * Whether `model` names a folder of this family under `modelsDir` (a cheap look at folder and
   * file names, without validating them): how `familyOf` picks the family.
   */
  holds(modelsDir: string, model: string): boolean;

  /** The models of this family installed under `modelsDir`, by name, sorted. */
  listModels(modelsDir: string): string[];

  /**
   * What the model can do, read from its files without loading it.
   * @throws ModelNotFoundError naming a missing file; Error when a file cannot be read
   */
  capabilities(modelsDir: string, model: string): ModelCapabilities;

  /**
   * Loads the model on its device: `options.poolSize` recognizers shared by every transcription.
   * @throws ModelNotFoundError naming a missing file; the recognizer's error for an invalid model;
   *   CudaUnavailableError when provider `cuda` does not really run on CUDA
   */
  load(options: AsrEngineOptions): Promise<AsrEngine>;
}
