import { type AsrEngineOptions, resolvePrecision } from '@app/asr-engine';
import type { HarkConfig } from '@app/config';

/**
 * How this processor loads one of its models (a name of ASR_MODELS) on its device: a pool of
 * ASR_POOL_SIZE recognizers shared by the tasks of that model, ASR_THREADS threads each, in the
 * precision of ASR_PRECISION. `AsrEngines` passes it to `loadAsrEngine`, which picks the family.
 */
export function engineOptions(config: HarkConfig, model: string): AsrEngineOptions {
  return {
    modelsDir: config.modelsDir,
    model,
    vadModel: config.vadModel,
    provider: config.asrProvider,
    precision: resolvePrecision(config.asrPrecision, config.asrProvider),
    numThreads: config.asrThreads,
    poolSize: config.asrPoolSize,
  };
}
