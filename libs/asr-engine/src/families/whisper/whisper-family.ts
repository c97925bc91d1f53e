import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelFamily } from '../../engine/model-family';
import { whisperModelCapabilities } from './whisper-capabilities';
import { WhisperEngine } from './whisper-engine';
import { listWhisperModels, resolveWhisperModel, whisperModelFolder } from './whisper-model-files';

/**
 * Whisper exports of sherpa-onnx (`sherpa-onnx-whisper-<name>/<name>-encoder[.int8].onnx`,
 * `-decoder`, `-tokens.txt`; a folder named exactly `<name>` holding such files is accepted too).
 */
export const WHISPER_FAMILY: ModelFamily = {
  name: 'whisper',

  holds(modelsDir, model) {
    if (existsSync(join(modelsDir, whisperModelFolder(model)))) return true;
    const dir = join(modelsDir, model);
    try {
      return existsSync(dir) && resolveWhisperModel(modelsDir, model) !== undefined;
    } catch {
      return false;
    }
  },

  listModels: listWhisperModels,

  capabilities(modelsDir, model) {
    return whisperModelCapabilities(resolveWhisperModel(modelsDir, model));
  },

  load: (options) => WhisperEngine.load(options),
};
