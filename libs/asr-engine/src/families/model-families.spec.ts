import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelNotFoundError } from '../engine/model-files';
import { installedModelCapabilities, listInstalledModels, modelCapabilities } from './model-families';
import { WHISPER_FAMILY } from './whisper/whisper-family';

describe('the model family registry', () => {
  let root: string;
  const folder = (name: string, files: string[]) => {
    mkdirSync(join(root, name), { recursive: true });
    for (const file of files) writeFileSync(join(root, name, file), 'x');
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hark-families-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('picks Whisper for a sherpa-onnx Whisper folder, or a plain folder holding a Whisper export', () => {
    folder('sherpa-onnx-whisper-tiny', ['tiny-encoder.int8.onnx', 'tiny-decoder.int8.onnx', 'tiny-tokens.txt']);
    folder('custom', ['x-encoder.onnx', 'x-decoder.onnx', 'x-tokens.txt']);
    expect(WHISPER_FAMILY.holds(root, 'tiny')).toBe(true);
    expect(WHISPER_FAMILY.holds(root, 'custom')).toBe(true);
    expect(listInstalledModels(root)).toEqual(['tiny']);
  });

  it('leaves a model no family holds to the default family, which names what is missing', () => {
    folder('odd', ['model.onnx']);
    expect(WHISPER_FAMILY.holds(root, 'odd')).toBe(false);
    expect(() => modelCapabilities(root, 'absent')).toThrow(ModelNotFoundError);
    expect(() => modelCapabilities(root, 'absent')).toThrow(/models:download -- absent/);
    expect(installedModelCapabilities(root, 'absent')).toBeNull();
  });
});
