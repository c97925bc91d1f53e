import { AsrEngine } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import type { FactoryProvider } from '@nestjs/common';

/** Loads the configured Whisper model once per processor: a pool of ASR_POOL_SIZE recognizers shared by its tasks. */
export const asrEngineProvider: FactoryProvider<Promise<AsrEngine>> = {
  provide: AsrEngine,
  inject: [HarkConfig],
  useFactory: (config: HarkConfig) =>
    AsrEngine.load({
      modelsDir: config.modelsDir,
      model: config.asrModel,
      vadModel: config.vadModel,
      provider: config.asrProvider,
      numThreads: config.asrThreads,
      poolSize: config.asrPoolSize,
    }),
};
