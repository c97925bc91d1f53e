import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelNotFoundError, resolvePrecision } from '../../engine/model-files';
import { listWhisperModels, resolveWhisperModel } from './whisper-model-files';

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
  afterEach(() => rmSync(root, { recursive: true, force: true }));

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
    expect(() => resolveWhisperModel(root, 'small')).toThrow(
      /missing [^,]*-decoder\[\.int8\]\.onnx, .*-tokens\.txt \(the encoder and decoder must be both \.int8\.onnx or both \.onnx\)/,
    );
  });

  it('prefers the fp32 pair when asked (CUDA), as the large models ship it: a small .onnx beside its .weights', () => {
    const dir = model(root, 'sherpa-onnx-whisper-large-v3', [
      'large-v3-encoder.onnx',
      'large-v3-encoder.weights',
      'large-v3-decoder.onnx',
      'large-v3-decoder.weights',
      'large-v3-encoder.int8.onnx',
      'large-v3-decoder.int8.onnx',
      'large-v3-tokens.txt',
    ]);
    expect(resolveWhisperModel(root, 'large-v3', 'fp32')).toMatchObject({
      encoder: join(dir, 'large-v3-encoder.onnx'),
      decoder: join(dir, 'large-v3-decoder.onnx'),
      int8: false,
    });
    expect(resolveWhisperModel(root, 'large-v3', 'int8')).toMatchObject({
      encoder: join(dir, 'large-v3-encoder.int8.onnx'),
      int8: true,
    });
  });

  it('falls back to the int8 pair when the fp32 pair is incomplete', () => {
    const dir = model(root, 'sherpa-onnx-whisper-base', [
      'base-encoder.onnx',
      'base-encoder.int8.onnx',
      'base-decoder.int8.onnx',
      'base-tokens.txt',
    ]);
    expect(resolveWhisperModel(root, 'base', 'fp32')).toMatchObject({
      encoder: join(dir, 'base-encoder.int8.onnx'),
      decoder: join(dir, 'base-decoder.int8.onnx'),
      int8: true,
    });
  });

  it('never mixes precisions: an int8 encoder with an fp32 decoder is incomplete', () => {
    model(root, 'sherpa-onnx-whisper-mixed', ['m-encoder.int8.onnx', 'm-decoder.onnx', 'm-tokens.txt']);
    expect(() => resolveWhisperModel(root, 'mixed', 'int8')).toThrow(/missing [^,]*-decoder\[\.int8\]\.onnx \(/);
    expect(() => resolveWhisperModel(root, 'mixed', 'fp32')).toThrow(/missing [^,]*-encoder\[\.int8\]\.onnx \(/);
  });

  it('lists installed models by name', () => {
    model(root, 'sherpa-onnx-whisper-tiny', ['tiny-encoder.int8.onnx']);
    model(root, 'sherpa-onnx-whisper-base.en', ['base.en-encoder.onnx']);
    model(root, 'sherpa-onnx-whisper-empty', []);
    model(root, 'silero-vad', ['silero_vad.onnx']);
    expect(listWhisperModels(root)).toEqual(['base.en', 'tiny']);
  });
});

describe('resolvePrecision', () => {
  it('picks fp32 on CUDA and int8 on the CPU for auto', () => {
    expect(resolvePrecision('auto', 'cuda')).toBe('fp32');
    expect(resolvePrecision('auto', 'cpu')).toBe('int8');
  });

  it('keeps an explicit choice on either provider', () => {
    expect(resolvePrecision('int8', 'cuda')).toBe('int8');
    expect(resolvePrecision('fp32', 'cpu')).toBe('fp32');
  });
});
