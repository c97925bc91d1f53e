import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { listWhisperModels, ModelNotFoundError, resolveWhisperModel } from './model-files';

function model(root: string, folder: string, files: string[]): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  for (const file of files) writeFileSync(join(dir, file), 'x');
  return dir;
}

describe('resolveWhisperModel', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hark-models-'));
  });

  it('finds the sherpa-onnx release layout and prefers int8', () => {
    const dir = model(root, 'sherpa-onnx-whisper-tiny', [
      'tiny-encoder.onnx',
      'tiny-decoder.onnx',
      'tiny-encoder.int8.onnx',
      'tiny-decoder.int8.onnx',
      'tiny-tokens.txt',
    ]);
    expect(resolveWhisperModel(root, 'tiny')).toEqual({
      name: 'tiny',
      dir,
      encoder: join(dir, 'tiny-encoder.int8.onnx'),
      decoder: join(dir, 'tiny-decoder.int8.onnx'),
      tokens: join(dir, 'tiny-tokens.txt'),
      int8: true,
    });
  });

  it('uses fp32 when only one int8 half exists, and accepts any file prefix and the full folder name', () => {
    const dir = model(root, 'sherpa-onnx-whisper-dummy-testonly', [
      'dummy-encoder.onnx',
      'dummy-decoder.onnx',
      'dummy-encoder.int8.onnx',
      'dummy-tokens.txt',
    ]);
    const files = resolveWhisperModel(root, 'sherpa-onnx-whisper-dummy-testonly');
    expect(files).toMatchObject({
      dir,
      encoder: join(dir, 'dummy-encoder.onnx'),
      decoder: join(dir, 'dummy-decoder.onnx'),
      int8: false,
    });
  });

  it('names the missing folder and how to get the model', () => {
    expect(() => resolveWhisperModel(root, 'base')).toThrow(ModelNotFoundError);
    expect(() => resolveWhisperModel(root, 'base')).toThrow(
      /no folder .*sherpa-onnx-whisper-base.*npm run models:download -- base/,
    );
  });

  it('names each missing file', () => {
    model(root, 'sherpa-onnx-whisper-small', ['small-encoder.int8.onnx']);
    expect(() => resolveWhisperModel(root, 'small')).toThrow(/missing .*-decoder\[\.int8\]\.onnx, .*-tokens\.txt/);
  });

  it('lists installed models by name', () => {
    model(root, 'sherpa-onnx-whisper-tiny', ['tiny-encoder.int8.onnx']);
    model(root, 'sherpa-onnx-whisper-base.en', ['base.en-encoder.onnx']);
    model(root, 'sherpa-onnx-whisper-empty', []);
    model(root, 'silero-vad', ['silero_vad.onnx']);
    expect(listWhisperModels(root)).toEqual(['base.en', 'tiny']);
  });
});
