import type { AsrEngine as Engine, AsrEngineOptions } from './engine/asr-engine';
import { loadAsrEngine } from './families/model-families';

/** The speech-engine seam (`engine/asr-engine.ts`): one model loaded on one device. */
export type AsrEngine = Engine;

/** Loading an engine: `AsrEngine.load(options)` picks the model's family (`familyOf`) and loads it. */
export const AsrEngine = {
  /**
   * Loads `options.model` with its family (`loadAsrEngine`).
   * @throws ModelNotFoundError naming a missing file; the recognizer's error for an invalid model;
   *   CudaUnavailableError when provider `cuda` does not really run on CUDA
   */
  load: (options: AsrEngineOptions): Promise<Engine> => loadAsrEngine(options),
};
