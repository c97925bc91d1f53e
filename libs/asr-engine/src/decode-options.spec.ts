import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DECODE_OPTIONS,
  effectiveChunkLength,
  parseClipTimestamps,
  refusedOptions,
  withDefaults,
} from './decode-options';

describe('decode options', () => {
  it('accepts every default', () => {
    expect(refusedOptions(withDefaults({}))).toEqual([]);
    expect(withDefaults({ language: 'de', beam_size: undefined })).toEqual({
      ...DEFAULT_DECODE_OPTIONS,
      language: 'de',
    });
  });

  it('refuses each option the engine cannot apply, naming it and why', () => {
    const refused = refusedOptions(
      withDefaults({ beam_size: 5, temperature: 0.4, word_timestamps: true, vad_filter: false, chunk_length: 10 }),
    );
    expect(refused.map((r) => r.option).sort()).toEqual(['beam_size', 'temperature', 'word_timestamps']);
    expect(refused.find((r) => r.option === 'beam_size')!.reason).toMatch(/greedy-only/);
  });

  it('parses clip_timestamps', () => {
    expect(parseClipTimestamps('0')).toBeNull();
    expect(parseClipTimestamps('1.5, 4,10')).toEqual([
      [1.5, 4],
      [10, Infinity],
    ]);
    expect(() => parseClipTimestamps('5,3')).toThrow(/ascending/);
    expect(() => parseClipTimestamps('a,b')).toThrow(/comma-separated seconds/);
  });

  it('caps the chunk length at what sherpa-onnx decodes in one call', () => {
    expect(effectiveChunkLength({ chunk_length: 30, max_speech_duration_s: 29 })).toBe(29);
    expect(effectiveChunkLength({ chunk_length: 10, max_speech_duration_s: 29 })).toBe(10);
  });
});
