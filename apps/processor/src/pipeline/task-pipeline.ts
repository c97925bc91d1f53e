import { type TaskEntity, TaskEvents } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { CompleteStage } from './complete.stage';
import { DecodeStage } from './decode.stage';
import { DiarizeStage } from './diarize.stage';
import { FetchMediaStage } from './fetch-media.stage';
import type { ProgressSink, Stage, StageProgress, TaskRun } from './stage';
import { TranscribeStage } from './transcribe.stage';

/** A stage in the pipeline, with its share of the progress relative to the stages that run with it. */
interface Step {
  readonly stage: Stage;
  readonly weight: number;
}

/**
 * The task pipeline: its stages, in the order they run, each with its weight of the progress.
 * A stage may skip a task (`skips`: fetch-media for an upload or media already here, diarize when
 * not asked); a skipped stage's share goes to the others, so without diarization the
 * transcription is the whole progress. `decode` and `transcribe` resume from the task's checkpoint
 * (after a crash, a hand-back or an outage). Decoding streams into the transcription, so its time
 * counts in `transcribe`'s weight.
 */
@Injectable()
export class TaskPipeline {
  private readonly steps: readonly Step[];

  constructor(
    fetchMedia: FetchMediaStage,
    decode: DecodeStage,
    transcribe: TranscribeStage,
    diarize: DiarizeStage,
    complete: CompleteStage,
    private readonly events: TaskEvents,
  ) {
    this.steps = [
      { stage: fetchMedia, weight: 0 },
      { stage: decode, weight: 0 },
      { stage: transcribe, weight: 80 },
      { stage: diarize, weight: 20 },
      { stage: complete, weight: 0 },
    ];
  }

  /**
   * Runs a started task through the stages that apply to it.
   * @param sink where the progress goes besides the task row (the BullMQ job)
   * @throws what a stage throws (see `TranscriptionService.process`)
   */
  async run(task: TaskEntity, sink: ProgressSink, signal: AbortSignal): Promise<void> {
    const run: TaskRun = {
      taskId: task.id,
      task,
      options: task.decodeOptions ?? { language: task.languageRequested, task: task.task },
      signal,
      startedAt: performance.now(),
      audioTaps: [],
      windows: { count: 0, decodes: 0 },
    };
    const steps = this.steps.filter(({ stage }) => !stage.skips?.(run));
    const total = steps.reduce((sum, step) => sum + step.weight, 0) || 1;
    for (const { stage } of steps) stage.prepare?.(run);
    const tracker = { current: 0 };
    let from = 0;
    for (const { stage, weight } of steps) {
      const share = weight / total;
      await stage.run(run, this.progress(run.taskId, tracker, sink, from, share));
      from += share;
    }
  }

  /** The progress of one stage, starting at `from` (0–1) of the task's, and `share` of it long. */
  private progress(
    taskId: string,
    tracker: { current: number },
    sink: ProgressSink,
    from: number,
    share: number,
  ): StageProgress {
    return {
      // Capped at 99 until the result is stored.
      at: (fraction) => Math.min(99, Math.floor((from + fraction * share) * 100)),
      get current() {
        return tracker.current;
      },
      report: async (next) => {
        if (next <= tracker.current) return;
        tracker.current = next;
        await sink(next);
        await this.events.publish(taskId, { type: 'progress', progress: next });
      },
      done: () => sink(100),
    };
  }
}

/** The pipeline and its stages, for a module's `providers`. */
export const PIPELINE_PROVIDERS = [
  TaskPipeline,
  FetchMediaStage,
  DecodeStage,
  TranscribeStage,
  DiarizeStage,
  CompleteStage,
];
