import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ModelNotFoundError, type ModelPrecision } from '../../engine/model-files';

/** Precision of a Whisper export's encoder and decoder: `<prefix>-encoder.int8.onnx` or `<prefix>-encoder.onnx`. */
export type WhisperPrecision = ModelPrecision;

/** The files of one sherpa-onnx Whisper export. Paths are absolute. */
export interface WhisperModelFiles {
  /** The model's name as configured (`tiny`, `base.en`, `dummy-testonly`, …). */
  name: string;
  dir: string;
  encoder: string;
  decoder: string;
  tokens: string;
  /** True when the int8 encoder and decoder were picked. */
  int8: boolean;
}

/** The folder name of a Whisper model in sherpa-onnx's release archives. */
export function whisperModelFolder(name: string): string {
  return name.startsWith('sherpa-onnx-whisper-') ? name : `sherpa-onnx-whisper-${name}`;
}

/**
 * Finds a Whisper model under `modelsDir` in the sherpa-onnx release layout:
 * `sherpa-onnx-whisper-<name>/<prefix>-encoder[.int8].onnx`, `<prefix>-decoder[.int8].onnx`,
 * `<prefix>-tokens.txt` (`<prefix>` is usually `<name>`, e.g. `tiny-encoder.int8.onnx`).
 * A folder named exactly `<name>` is accepted too. The encoder and decoder are always a pair of one
 * precision: the `precision` pair when both files exist, else the other pair (the result's `int8` says
 * which was picked).
 * @param precision the preferred pair, see `resolvePrecision`; int8 (the CPU's choice) by default
 * @throws ModelNotFoundError naming the folder or file that is missing, and how to get it.
 */
export function resolveWhisperModel(
  modelsDir: string,
  name: string,
  precision: WhisperPrecision = 'int8',
): WhisperModelFiles {
  const candidates = [join(modelsDir, whisperModelFolder(name)), join(modelsDir, name)];
  const dir = candidates.find((path) => existsSync(path));
  const hint = `Run \`npm run models:download -- ${name}\` or set MODELS_DIR / ASR_MODEL.`;
  if (!dir) throw new ModelNotFoundError(`Whisper model "${name}" not found: no folder ${candidates[0]}. ${hint}`);

  const files = readdirSync(dir);
  const pick = (part: 'encoder' | 'decoder', pair: WhisperPrecision) =>
    files.find((file) => file.endsWith(pair === 'int8' ? `-${part}.int8.onnx` : `-${part}.onnx`));
  const complete = (pair: WhisperPrecision) => Boolean(pick('encoder', pair) && pick('decoder', pair));
  const other: WhisperPrecision = precision === 'int8' ? 'fp32' : 'int8';
  // Neither pair complete: report what the preferred pair lacks.
  const pair = complete(precision) || !complete(other) ? precision : other;
  const encoder = pick('encoder', pair);
  const decoder = pick('decoder', pair);
  const tokens = files.find((file) => file.endsWith('-tokens.txt') || file === 'tokens.txt');
  const missing = [
    !encoder && `${dir}/<name>-encoder[.int8].onnx`,
    !decoder && `${dir}/<name>-decoder[.int8].onnx`,
    !tokens && `${dir}/<name>-tokens.txt`,
  ].filter(Boolean);
  const pairing = !encoder || !decoder ? ' (the encoder and decoder must be both .int8.onnx or both .onnx)' : '';
  if (missing.length)
    throw new ModelNotFoundError(
      `Whisper model "${name}" is incomplete, missing ${missing.join(', ')}${pairing}. ${hint}`,
    );
  return {
    name,
    dir,
    encoder: join(dir, encoder!),
    decoder: join(dir, decoder!),
    tokens: join(dir, tokens!),
    int8: pair === 'int8',
  };
}

/**
 * Lists the Whisper models installed under `modelsDir` (folders `sherpa-onnx-whisper-<name>`
 * that hold an encoder), by name.
 */
export function listWhisperModels(modelsDir: string): string[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('sherpa-onnx-whisper-'))
    .filter((entry) => readdirSync(join(modelsDir, entry.name)).some((file) => /-encoder(\.int8)?\.onnx$/.test(file)))
    .map((entry) => entry.name.slice('sherpa-onnx-whisper-'.length))
    .sort();
}
