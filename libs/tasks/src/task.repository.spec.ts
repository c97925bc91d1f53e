import type { Transcript } from '@app/asr-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTaskStore, type TaskStore } from '../../../test/support/task-store';
import { TASK_STATUSES } from './task.types';

const transcript: Transcript = {
  text: 'Hello. Hi.',
  language: 'en',
  duration: 3.25,
  segments: [
    { id: 0, start: 0.086, end: 1.2, text: 'Hello.', speaker: 'SPEAKER_00' },
    { id: 1, start: 1.5, end: 2.484, text: 'Hi.', speaker: 'SPEAKER_01' },
  ],
  speakers: [
    { speaker: 'SPEAKER_00', speaking_time: 1.114 },
    { speaker: 'SPEAKER_01', speaking_time: 0.984 },
  ],
};
const renamed: Transcript = {
  ...transcript,
  segments: transcript.segments.map((s) => ({ ...s, speaker: s.speaker === 'SPEAKER_00' ? 'Alice' : s.speaker })),
  speakers: [{ speaker: 'Alice', speaking_time: 1.114 }, transcript.speakers![1]],
};

/** `TaskRepository.saveResult` against the real Postgres (a throw-away database). */
describe('TaskRepository.saveResult', () => {
  let store: TaskStore;

  beforeAll(async () => {
    store = await openTaskStore('repository');
  });
  afterAll(() => store?.close());

  /** A task in `status` whose stored result is `result`. */
  async function taskWith(status: (typeof TASK_STATUSES)[number], result: Transcript | null = transcript) {
    const id = await store.taskIn(status, null);
    await store.dataSource.query('UPDATE tasks SET result = $2::jsonb WHERE id = $1', [id, JSON.stringify(result)]);
    return id;
  }

  it('replaces the transcript of a completed task and returns the task as it is now', async () => {
    const id = await taskWith('completed');
    const saved = await store.repository.saveResult(id, renamed);
    expect(saved?.id).toBe(id);
    expect(saved?.status).toBe('completed');
    expect(saved?.result).toEqual(renamed);
    expect(saved?.createdAt).toBeInstanceOf(Date);
    expect((await store.repository.findById(id))?.result).toEqual(renamed);
  });

  it('changes nothing for a task that is not completed, or is gone', async () => {
    for (const status of TASK_STATUSES.filter((s) => s !== 'completed')) {
      const id = await taskWith(status);
      expect(await store.repository.saveResult(id, renamed), status).toBeNull();
      expect((await store.repository.findById(id))?.result, status).toEqual(transcript);
    }
    expect(await store.repository.saveResult('3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10', renamed)).toBeNull();
  });

  it('with `previous`: only while the stored transcript is still that one (a concurrent edit is not undone)', async () => {
    const id = await taskWith('completed');
    // The transcript as read back from jsonb (keys reordered, numbers re-parsed) still matches.
    const read = (await store.repository.findById(id))!.result!;
    const first = await store.repository.saveResult(id, renamed, read);
    expect(first?.result).toEqual(renamed);
    // A second edit made from the same (now stale) reading is refused.
    expect(await store.repository.saveResult(id, transcript, read)).toBeNull();
    expect((await store.repository.findById(id))?.result).toEqual(renamed);
  });
});
