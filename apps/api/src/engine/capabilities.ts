import { installedModelCapabilities, type ModelCapabilities } from '@app/asr-engine';
import type { HarkConfig } from '@app/config';

/**
 * What the processors' model (ASR_MODEL under MODELS_DIR) can give besides text, read from its
 * files (cached per file). A model this node cannot see counts as having no extras.
 */
export function activeModelCapabilities(config: HarkConfig): ModelCapabilities {
  return installedModelCapabilities(config.modelsDir, config.asrModel) ?? { wordTimestamps: false };
}
