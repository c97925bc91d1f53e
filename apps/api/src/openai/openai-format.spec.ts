import type { Transcript } from '@app/asr-engine';
import type { TaskEntity } from '@app/tasks';
import type { TranscriptionDiarized } from 'openai/resources/audio/transcriptions';
import { describe, expect, it } from 'vitest';
import { formatOpenAiResult } from './openai-format';

const diarized: Transcript = {
  text: 'Hello there. Hi!',
  language: 'en',
  duration: 4.5,
  segments: [
    {
      id: 0,
      start: 0.2,
      end: 1.9,
      text: 'Hello there.',
      speaker: 'SPEAKER_00',
      words: [
        { word: 'Hello', start: 0.2, end: 0.8, speaker: 'SPEAKER_00' },
        { word: 'there.', start: 0.9, end: 1.9, speaker: 'SPEAKER_00' },
      ],
    },
    {
      id: 1,
      start: 2.5,
      end: 3.1,
      text: 'Hi!',
      speaker: 'Alice',
      words: [{ word: 'Hi!', start: 2.5, end: 3.1, speaker: 'Alice' }],
    },
  ],
  speakers: [
    { speaker: 'SPEAKER_00', speaking_time: 1.7 },
    { speaker: 'Alice', speaking_time: 0.6 },
  ],
};

const taskWith = (result: Transcript) => ({ task: 'transcribe', result }) as TaskEntity;

describe('formatOpenAiResult', () => {
  it("diarized_json is OpenAI's TranscriptionDiarized, with the task's speaker labels", () => {
    const expected: TranscriptionDiarized = {
      task: 'transcribe',
      duration: 4.5,
      text: 'Hello there. Hi!',
      segments: [
        { type: 'transcript.text.segment', id: '0', start: 0.2, end: 1.9, text: 'Hello there.', speaker: 'SPEAKER_00' },
        { type: 'transcript.text.segment', id: '1', start: 2.5, end: 3.1, text: 'Hi!', speaker: 'Alice' },
      ],
    };
    const { body, contentType } = formatOpenAiResult(taskWith(diarized), 'diarized_json');
    expect(contentType).toBe('application/json');
    expect(body).toEqual(expected);
  });

  it('diarized_json gives a segment without a speaker "unknown"', () => {
    const plain = { ...diarized, segments: [{ id: 0, start: 0, end: 1, text: 'Hello.' }], speakers: undefined };
    const { body } = formatOpenAiResult(taskWith(plain), 'diarized_json');
    expect((body as TranscriptionDiarized).segments[0].speaker).toBe('unknown');
  });

  it('verbose_json segments and words carry speaker when the task has speakers, and only then', () => {
    const { body } = formatOpenAiResult(taskWith(diarized), 'verbose_json', ['segment', 'word']);
    const verbose = body as { segments: { speaker?: string }[]; words: object[] };
    expect(verbose.segments.map((segment) => segment.speaker)).toEqual(['SPEAKER_00', 'Alice']);
    expect(verbose.words[2]).toEqual({ word: 'Hi!', start: 2.5, end: 3.1, speaker: 'Alice' });

    const withoutSpeakers: Transcript = {
      ...diarized,
      segments: diarized.segments.map(({ speaker: _s, words, ...segment }) => ({
        ...segment,
        words: words?.map(({ speaker: _w, ...word }) => word),
      })),
      speakers: undefined,
    };
    const { body: plain } = formatOpenAiResult(taskWith(withoutSpeakers), 'verbose_json', ['segment', 'word']);
    const verbosePlain = plain as { segments: object[]; words: object[] };
    expect(verbosePlain.segments.every((segment) => !('speaker' in segment))).toBe(true);
    expect(Object.keys(verbosePlain.words[0])).toEqual(['word', 'start', 'end']);
  });
});
