import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';

/** Short locks: BullMQ must renew them every 2.5 s for the whole job, or take the job for stalled. */
const SHORT_LOCKS = { JOB_LOCK_MS: '5000', JOB_STALLED_INTERVAL_MS: '5000' };

/** What BullMQ and the worker log when a healthy job's lock is lost. */
const LOCK_TROUBLE = /could not renew lock|missing lock|job stalled|stalled more than/i;

describe('worker options are given when the worker is built', () => {
  let stack: TestStack;

  let twice: string;

  // The timing stand-in is as slow as Whisper tiny: with one thread, twice the 157 s file takes
  // about 20 s here, four locks and more (on a faster machine still well over two).
  beforeAll(async () => {
    stack = await TestStack.running({ ...SHORT_LOCKS, ASR_MODEL: 'tiny-shaped-testonly', ASR_THREADS: '1' });
    twice = join(stack.env.STORAGE_DIR, 'twice-long.wav');
    const long = audioPath('long-en-concat-16k.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-i', long, '-i', long, '-filter_complex', 'concat=n=2:v=0:a=1', twice]);
  });
  afterAll(() => stack?.destroy());

  it(`with JOB_LOCK_MS=5000 and JOB_STALLED_INTERVAL_MS=5000 a long healthy job runs once, without lock errors`, async () => {
    const { body: created } = await upload(stack.baseUrl, twice);
    const { task } = await waitForTask(stack.baseUrl, created.id, ['completed', 'failed'], 170_000, 1000);
    expect(task.status, task.error).toBe('completed');
    // The job outlived its lock many times over, so the lock was renewed, not merely long enough.
    expect(task.processing_time).toBeGreaterThan((2 * Number(SHORT_LOCKS.JOB_LOCK_MS)) / 1000);
    const [row] = await stack.sql<{ attempts: number }>('SELECT attempts FROM tasks WHERE id = $1', [created.id]);
    expect(row.attempts).toBe(1);
    const processor = stack.processes.find((app) => app.name === 'processor')!;
    expect(processor.log).not.toMatch(LOCK_TROUBLE);
  });
});
