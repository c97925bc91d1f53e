import { existsSync } from 'node:fs';

/** A configured model or one of its files is missing; the message names what and where. */
export class ModelNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelNotFoundError';
  }
}

/**
 * Precision of a model's ONNX files: sherpa-onnx exports ship `<name>.int8.onnx` beside
 * `<name>.onnx` for most families.
 */
export type ModelPrecision = 'int8' | 'fp32';

/**
 * The precision to load, from the ASR_PRECISION setting and the execution provider: `auto` is fp32 on
 * CUDA and int8 on the CPU. int8 is the faster choice on the CPU, but on a GPU it is slower than fp32:
 * sherpa-onnx measured Whisper large-v3 on a T4 at RTF 0.89 with fp32 and 2.90 with int8
 * (https://k2-fsa.github.io/sherpa/onnx/pretrained_models/whisper/large-v3.html).
 */
export function resolvePrecision(setting: 'auto' | ModelPrecision, provider: 'cpu' | 'cuda'): ModelPrecision {
  if (setting !== 'auto') return setting;
  return provider === 'cuda' ? 'fp32' : 'int8';
}

/**
 * Checks that the Silero VAD model exists.
 * @throws ModelNotFoundError naming the path.
 */
export function assertVadModel(path: string): void {
  if (!existsSync(path)) {
    throw new ModelNotFoundError(
      `Silero VAD model not found at ${path}. Run \`npm run models:download\` or set VAD_MODEL.`,
    );
  }
}
