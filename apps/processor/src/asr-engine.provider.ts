import { AsrEngine } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import type { FactoryProvider } from '@nestjs/common';

/** Loads the configured Whisper model once per processor, one recognizer per concurrency slot. */
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
      concurrency: config.workerConcurrency,
    }),
};
