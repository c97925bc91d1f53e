import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DECODE_OPTIONS,
  effectiveChunkLength,
  parseClipTimestamps,
  refusedOptions,
  withDefaults,
} from './decode-options';
import { whisperCapabilities } from './families/whisper/whisper-capabilities';

describe('decode options', () => {
  it('accepts every default', () => {
    expect(
      refusedOptions(withDefaults({}), whisperCapabilities({ multilingual: true, wordTimestamps: false })),
    ).toEqual([]);
    expect(withDefaults({ language: 'de', beam_size: undefined })).toEqual({
      ...DEFAULT_DECODE_OPTIONS,
      language: 'de',
    });
  });

  it('refuses each option the engine cannot apply, naming it and why', () => {
    const options = withDefaults({
      beam_size: 5,
      temperature: 0.4,
      word_timestamps: true,
      vad_filter: false,
      chunk_length: 10,
      compression_ratio_threshold: 2,
      append_punctuations: '.',
    });
    const refused = refusedOptions(options, whisperCapabilities({ multilingual: true, wordTimestamps: false }));
    expect(refused.map((r) => r.option).sort()).toEqual(['beam_size', 'temperature', 'word_timestamps']);
    expect(refused.find((r) => r.option === 'beam_size')!.reason).toMatch(/greedy-only/);
    expect(refused.find((r) => r.option === 'word_timestamps')!.reason).toMatch(/cross-attention/);
  });

  it('applies word_timestamps when the decoder has cross-attention outputs', () => {
    const options = withDefaults({ word_timestamps: true, beam_size: 5 });
    expect(
      refusedOptions(options, whisperCapabilities({ multilingual: true, wordTimestamps: true })).map((r) => r.option),
    ).toEqual(['beam_size']);
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

  it('refuses more clip_timestamps ranges than the limit, naming it and MAX_CLIP_RANGES', () => {
    const ranges = (count: number) => Array.from({ length: count * 2 }, (_, i) => i).join(',');
    expect(parseClipTimestamps(ranges(3), 3)).toHaveLength(3);
    expect(parseClipTimestamps(`${ranges(3)},100`, 4)).toHaveLength(4); // an odd count: the last runs to the end
    expect(() => parseClipTimestamps(`${ranges(3)},100`, 3)).toThrow(
      'clip_timestamps lists 4 ranges; at most 3 are accepted (MAX_CLIP_RANGES): send fewer, wider ranges, or raise MAX_CLIP_RANGES on the server',
    );
  });

  it('caps the chunk length at what sherpa-onnx decodes in one call', () => {
    expect(effectiveChunkLength({ chunk_length: 30, max_speech_duration_s: 29 })).toBe(29);
    expect(effectiveChunkLength({ chunk_length: 10, max_speech_duration_s: 29 })).toBe(10);
  });
});
