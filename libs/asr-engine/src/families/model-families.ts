import type { AsrEngine as Engine, AsrEngineOptions } from '../engine/asr-engine';
import type { ModelCapabilities } from '../engine/model-capabilities';
import type { ModelFamily } from '../engine/model-family';
import { WHISPER_FAMILY } from './whisper/whisper-family';

/**
 * Every model family Hark can run, in the order `familyOf` asks them. The first is the default:
 * it reports what is missing for a model that no family recognizes. A new family is one folder
 * under `families/` and one entry here.
 */
export const MODEL_FAMILIES: readonly ModelFamily[] = [WHISPER_FAMILY];

/**
 * The family of a model folder under `modelsDir`: the first that holds it, else the default
 * family (the first), whose `capabilities` and `load` then name what is missing.
 */
export function familyOf(modelsDir: string, model: string): ModelFamily {
  return MODEL_FAMILIES.find((family) => family.holds(modelsDir, model)) ?? MODEL_FAMILIES[0];
}

/**
 * Loads a model with its family (`familyOf`).
 * @throws what `ModelFamily.load` throws (ModelNotFoundError naming a missing file, …)
 */
export function loadAsrEngine(options: AsrEngineOptions): Promise<Engine> {
  return familyOf(options.modelsDir, options.model).load(options);
}

/**
 * What an installed model can do (`ModelFamily.capabilities` of its family).
 * @throws ModelNotFoundError naming a missing file; Error when a file cannot be read
 */
export function modelCapabilities(modelsDir: string, model: string): ModelCapabilities {
  return familyOf(modelsDir, model).capabilities(modelsDir, model);
}

/** `modelCapabilities`, or null when the model is not installed or a file cannot be read. */
export function installedModelCapabilities(modelsDir: string, model: string): ModelCapabilities | null {
  try {
    return modelCapabilities(modelsDir, model);
  } catch {
    return null;
  }
}

/** The models installed under `modelsDir`, over every family, by name, sorted. */
export function listInstalledModels(modelsDir: string): string[] {
  return [...new Set(MODEL_FAMILIES.flatMap((family) => family.listModels(modelsDir)))].sort();
}

/** The speech-engine seam (`engine/asr-engine.ts`): one model loaded on one device. */
export type AsrEngine = Engine;

/** Loading an engine: `AsrEngine.load(options)` picks the model's family (`familyOf`) and loads it (`loadAsrEngine`). */
export const AsrEngine = { load: loadAsrEngine };
