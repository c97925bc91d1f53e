import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_DIARIZATION, unsupportedReason } from '@app/asr-engine';
import { loadConfig } from '@app/config';
import { afterAll, describe, expect, it } from 'vitest';
import {
  activeModelCapabilities,
  deploymentReason,
  optionReason,
  diarizationModels,
  diarizationUnavailableReason,
  modelCapabilities,
} from './capabilities';

const modelsDir = mkdtempSync(join(tmpdir(), 'hark-capabilities-'));
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

/** A config whose diarization models are `segmentation` and `embedding` under (or outside) `modelsDir`, installed when listed in `installed`. */
function configWith(segmentation: string, embedding: string, installed: string[] = []) {
  for (const file of installed) {
    const path = join(modelsDir, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'onnx');
  }
  return loadConfig({
    MODELS_DIR: modelsDir,
    DIARIZATION_SEGMENTATION_MODEL: segmentation,
    DIARIZATION_EMBEDDING_MODEL: embedding,
  });
}

describe('diarization capability', () => {
  it('is available when both models are installed', () => {
    const config = configWith('both/seg.onnx', 'both/emb.onnx', ['both/seg.onnx', 'both/emb.onnx']);
    expect(activeModelCapabilities(config).diarization).toBe(true);
    expect(diarizationUnavailableReason(config)).toBeUndefined();
    expect(diarizationModels(config).map((model) => model.installed)).toEqual([true, true]);
  });

  it('names each missing model by its variable and its path under MODELS_DIR, and how to get it', () => {
    const config = configWith('one/seg.onnx', 'one/emb.onnx', ['one/seg.onnx']);
    expect(activeModelCapabilities(config).diarization).toBe(false);
    expect(diarizationUnavailableReason(config)).toBe(
      'speaker diarization needs two models, and DIARIZATION_EMBEDDING_MODEL (one/emb.onnx under MODELS_DIR) is not installed; install them with `npm run models:download -- diarization` (into MODELS_DIR, which the api reads too), or point the variable at the file',
    );
    const none = configWith('none/seg.onnx', '/elsewhere/emb.onnx');
    expect(diarizationUnavailableReason(none)).toMatch(
      /DIARIZATION_SEGMENTATION_MODEL \(none\/seg\.onnx under MODELS_DIR\) and DIARIZATION_EMBEDDING_MODEL \(\/elsewhere\/emb\.onnx\) are not installed/,
    );
  });

  it("the engine's refusal of diarize is replaced by the one naming the models; the tuning options follow diarize", () => {
    const missing = configWith('x/seg.onnx', 'x/emb.onnx');
    const capabilities = activeModelCapabilities(missing);
    const engine = unsupportedReason('diarize', capabilities);
    expect(engine).toBe(NO_DIARIZATION);
    expect(deploymentReason('diarize', engine, missing)).toBe(diarizationUnavailableReason(missing));
    expect(optionReason('num_speakers', capabilities, missing)).toMatch(
      /^num_speakers only applies with diarize=true, which is not available: speaker diarization needs two models/,
    );
    expect(deploymentReason('beam_size', 'greedy', missing)).toBe('greedy');

    const present = configWith('y/seg.onnx', 'y/emb.onnx', ['y/seg.onnx', 'y/emb.onnx']);
    expect(unsupportedReason('diarize', activeModelCapabilities(present))).toBeUndefined();
    expect(deploymentReason('diarize', undefined, present)).toBeUndefined();
    expect(deploymentReason('diarization_threshold', undefined, present)).toBeUndefined();
  });
});

describe('word times per model', () => {
  it("follow the task's model: its files when this node has them, else what the live processors serving it announce", () => {
    const config = configWith('w/seg.onnx', 'w/emb.onnx');
    const live = [
      { name: 'large-v3-attn', processors: 2, loaded: false, word_timestamps: true, devices: ['cuda:0'] },
      { name: 'large-v3', processors: 1, loaded: true, word_timestamps: false, devices: ['cpu'] },
    ];
    // Neither model is installed under this node's MODELS_DIR: the registry decides.
    expect(modelCapabilities(config, 'large-v3-attn', live).wordTimestamps).toBe(true);
    expect(modelCapabilities(config, 'large-v3', live).wordTimestamps).toBe(false);
    // Known neither way: no extras.
    expect(modelCapabilities(config, 'small', live).wordTimestamps).toBe(false);
    expect(activeModelCapabilities(config).wordTimestamps).toBe(false);
  });
});
