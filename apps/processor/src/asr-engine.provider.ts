import { AsrEngine, resolvePrecision } from '@app/asr-engine';
import type { HarkConfig } from '@app/config';

/**
 * Loads one Whisper model of this processor (a name of ASR_MODELS) on its device: a pool of
 * ASR_POOL_SIZE recognizers shared by the tasks of that model. `AsrEngines` calls it for each
 * model it loads.
 * @throws ModelNotFoundError naming a missing file; sherpa-onnx's error for an invalid model
 */
export function loadAsrEngine(config: HarkConfig, model: string): Promise<AsrEngine> {
  return AsrEngine.load({
    modelsDir: config.modelsDir,
    model,
    vadModel: config.vadModel,
    provider: config.asrProvider,
    precision: resolvePrecision(config.asrPrecision, config.asrProvider),
    numThreads: config.asrThreads,
    poolSize: config.asrPoolSize,
  });
}
