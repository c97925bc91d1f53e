import { DEFAULT_DECODE_OPTIONS, whisperCapabilities } from '@app/asr-engine';
import { describe, expect, it } from 'vitest';
import { capabilityFacts } from './capability-facts';

describe('capabilityFacts', () => {
  it('announces the family, languages, features, and every decode option as supported or refused with why', () => {
    const english = whisperCapabilities({ multilingual: false, wordTimestamps: false });
    const facts = capabilityFacts(english, { available: false, reason: 'missing' });
    expect(facts).toMatchObject({
      family: 'whisper',
      languages: ['en'],
      word_timestamps: false,
      features: { translate: false, segment_timestamps: true, word_timestamps: false },
      diarization: { available: false, reason: 'missing' },
    });
    expect(facts.decode_options!.refused.beam_size).toMatch(/greedy-only/);
    expect(facts.decode_options!.refused.word_timestamps).toMatch(/cross-attention/);
    expect([...facts.decode_options!.supported, ...Object.keys(facts.decode_options!.refused)].sort()).toEqual(
      Object.keys(DEFAULT_DECODE_OPTIONS).sort(),
    );
    const withWords = capabilityFacts(whisperCapabilities({ multilingual: true, wordTimestamps: true }), {
      available: true,
    });
    expect(withWords.decode_options!.supported).toContain('word_timestamps');
  });
});
