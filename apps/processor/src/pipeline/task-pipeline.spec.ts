import type { TaskEntity, TaskEvents } from '@app/tasks';
import { describe, expect, it } from 'vitest';
import type { CompleteStage } from './complete.stage';
import type { DecodeStage } from './decode.stage';
import type { DiarizeStage } from './diarize.stage';
import type { FetchMediaStage } from './fetch-media.stage';
import type { Stage, StageName, StageProgress, TaskRun } from './stage';
import { TaskPipeline } from './task-pipeline';
import type { TranscribeStage } from './transcribe.stage';

/** A stage that records what happened to it, and reports the progress of `fractions` of itself. */
function stage(name: StageName, log: string[], fractions: number[] = [], skipped = false): Stage {
  return {
    name,
    skips: () => skipped,
    prepare: () => void log.push(`prepare ${name}`),
    run: async (_run: TaskRun, progress: StageProgress) => {
      log.push(`run ${name}`);
      for (const fraction of fractions) await progress.report(progress.at(fraction));
      if (name === 'complete') await progress.done();
    },
  };
}

/** Runs a pipeline of the five stages, diarizing or not; returns the log, the sink's and the live events' progress. */
async function runPipeline(diarize: boolean) {
  const log: string[] = [];
  const sunk: number[] = [];
  const live: number[] = [];
  const events = { publish: (_id: string, event: { progress: number }) => void live.push(event.progress) };
  const pipeline = new TaskPipeline(
    stage('fetch-media', log, [], true) as unknown as FetchMediaStage,
    stage('decode', log) as unknown as DecodeStage,
    stage('transcribe', log, [0, 0.5, 0.5, 1]) as unknown as TranscribeStage,
    stage('diarize', log, [0.5, 1], !diarize) as unknown as DiarizeStage,
    stage('complete', log) as unknown as CompleteStage,
    events as unknown as TaskEvents,
  );
  const task = { id: 't1', decodeOptions: { diarize } } as unknown as TaskEntity;
  await pipeline.run(task, (progress) => Promise.resolve(void sunk.push(progress)), new AbortController().signal);
  return { log, sunk, live };
}

describe('TaskPipeline', () => {
  it('runs the stages that apply, in order, after preparing them; a skipped stage neither', async () => {
    const { log } = await runPipeline(false);
    expect(log).toEqual([
      'prepare decode',
      'prepare transcribe',
      'prepare complete',
      'run decode',
      'run transcribe',
      'run complete',
    ]);
  });

  it('without diarization the transcription is the whole progress, capped at 99 until the result is stored', async () => {
    const { sunk, live } = await runPipeline(false);
    expect(live).toEqual([50, 99]);
    expect(sunk).toEqual([50, 99, 100]);
  });

  it('with diarization each stage has the share of its weight (80/20)', async () => {
    const { log, sunk, live } = await runPipeline(true);
    expect(log).toContain('run diarize');
    expect(live).toEqual([40, 80, 90, 99]); // the diarization's end (100) is capped too
    expect(sunk).toEqual([40, 80, 90, 99, 100]);
  });
});
