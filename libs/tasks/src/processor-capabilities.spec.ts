import { describe, expect, it } from 'vitest';
import { installedModels, liveModels, type ProcessorAnnouncement } from './processor-registry';

/** A processor serving one model `tiny` with the given diarization facts, and `installed`. */
function processor(id: string, diarization: { available: boolean; reason?: string }): ProcessorAnnouncement {
  return {
    id,
    host: 'h',
    pid: 1,
    device: 'cpu',
    models: [
      {
        name: 'tiny',
        loaded: true,
        word_timestamps: false,
        family: 'whisper',
        languages: ['en', 'de'],
        features: { translate: true, segment_timestamps: true, word_timestamps: false },
        decode_options: { supported: ['language'], refused: { beam_size: 'greedy-only' } },
        diarization,
      },
    ],
    installed: [
      { name: 'tiny', family: 'whisper', word_timestamps: false },
      { name: id, family: 'whisper', word_timestamps: true },
    ],
    started_at: '2026-01-01T00:00:00.000Z',
  };
}

describe('capability facts in the registry', () => {
  it('a live model carries its family, languages, features and refused options; diarization only when every processor has it', () => {
    const [one] = liveModels([processor('a', { available: true })]);
    expect(one).toMatchObject({
      family: 'whisper',
      languages: ['en', 'de'],
      features: { translate: true, segment_timestamps: true, word_timestamps: false },
      decode_options: { refused: { beam_size: 'greedy-only' } },
      diarization: { available: true },
    });
    const missing = { available: false, reason: 'no models' };
    for (const order of [
      [processor('a', { available: true }), processor('b', missing)],
      [processor('b', missing), processor('a', { available: true })],
    ])
      expect(liveModels(order)[0].diarization).toEqual(missing);
  });

  it('the installed models are listed once per name over the processors', () => {
    expect(installedModels([processor('a', { available: true }), processor('b', { available: true })])).toEqual([
      { name: 'a', family: 'whisper', word_timestamps: true },
      { name: 'b', family: 'whisper', word_timestamps: true },
      { name: 'tiny', family: 'whisper', word_timestamps: false },
    ]);
  });
});
