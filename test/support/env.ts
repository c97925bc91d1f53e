import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where the tests find models and audio. Both come from the environment (the README's test
 * command and `.ci/run` set them); nothing here points at a fixed machine path.
 */
export function testModelsDir(): string {
  const dir = process.env.MODELS_DIR;
  if (!dir || !existsSync(dir)) {
    throw new Error(
      `Set MODELS_DIR to a folder with a Whisper model and silero-vad/silero_vad.onnx (got ${dir ?? 'nothing'}). See README "Tests".`,
    );
  }
  return resolve(dir);
}

/** The Whisper model under test (ASR_MODEL, default `tiny`). */
export function testModel(): string {
  return process.env.ASR_MODEL || 'tiny';
}

/**
 * True for the test doubles in `../shared/models` (`*-testonly`): they run the real sherpa-onnx
 * code path but always say the same words, so word error rate means nothing with them.
 */
export function isTestDouble(): boolean {
  return testModel().endsWith('testonly');
}

/** The recordings with reference transcripts (TEST_AUDIO_DIR, default `../shared/audio`). */
export function audioPath(file: string): string {
  const dir = resolve(process.env.TEST_AUDIO_DIR || '../shared/audio');
  const path = resolve(dir, file);
  if (!existsSync(path)) throw new Error(`Test audio ${path} not found; set TEST_AUDIO_DIR.`);
  return path;
}

/** Postgres server for test databases (each test file creates and drops its own database). */
export function testPostgresUrl(): string {
  return process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432';
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
}
