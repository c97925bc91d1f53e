import type { Transcript } from '@app/asr-engine';
import type { TaskEntity } from '@app/tasks';
import { describe, expect, it } from 'vitest';
import { SegmentDto, TaskDto } from './task.dto';

const segments = [
  {
    // As jsonb gives it back: keys sorted.
    end: 1.9,
    id: 0,
    speaker: 'SPEAKER_00',
    start: 0.2,
    text: 'Hello there.',
    words: [
      { end: 0.8, speaker: 'SPEAKER_00', start: 0.2, word: 'Hello' },
      { end: 1.9, speaker: 'SPEAKER_00', start: 0.9, word: 'there.' },
    ],
  },
];

const taskWith = (result: Transcript) =>
  ({
    id: 'x',
    status: 'completed',
    createdAt: new Date(0),
    callbackAttempts: [],
    result,
  }) as unknown as TaskEntity;

describe('task DTOs with speakers', () => {
  it('segments and words carry speaker, in documented key order', () => {
    const dto = SegmentDto.from(segments[0]);
    expect(Object.keys(dto)).toEqual(['id', 'start', 'end', 'text', 'speaker', 'words']);
    expect(dto.speaker).toBe('SPEAKER_00');
    expect(dto.words!.map((word) => Object.keys(word))).toEqual([
      ['word', 'start', 'end', 'speaker'],
      ['word', 'start', 'end', 'speaker'],
    ]);
  });

  it('segments and words without a speaker have no speaker key', () => {
    const dto = SegmentDto.from({ id: 0, start: 0, end: 1, text: 'Hi.', words: [{ word: 'Hi.', start: 0, end: 1 }] });
    expect(dto).toEqual({ id: 0, start: 0, end: 1, text: 'Hi.', words: [{ word: 'Hi.', start: 0, end: 1 }] });
    expect('speaker' in dto || 'speaker' in dto.words![0]).toBe(false);
  });

  it('the result lists speakers with their speaking time only when the transcript has them', () => {
    const base = { text: 'Hello there.', language: 'en', duration: 2, segments };
    const diarized = TaskDto.from(taskWith({ ...base, speakers: [{ speaking_time: 1.7, speaker: 'SPEAKER_00' }] }));
    expect(diarized.result?.speakers).toEqual([{ speaker: 'SPEAKER_00', speaking_time: 1.7 }]);
    expect(Object.keys(diarized.result!.speakers![0])).toEqual(['speaker', 'speaking_time']);
    expect(Object.keys(diarized.result!)).toEqual(['text', 'language', 'duration', 'segments', 'speakers']);
    expect('speakers' in TaskDto.from(taskWith(base)).result!).toBe(false);
  });
});
