import { type TaskEntity, TaskEvents } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { CompleteStage } from './complete.stage';
import { DecodeStage } from './decode.stage';
import { DiarizeStage } from './diarize.stage';
import { FetchMediaStage } from './fetch-media.stage';
import type { ProgressSink, Stage, StageProgress, TaskRun } from './stage';
import { TranscribeStage } from './transcribe.stage';

/**
 * The task pipeline: its stages, in the order they run, each with its weight of the progress:
 *
 * | stage         | weight | skipped when                  | resumes                     |
 * | ------------- | ------ | ----------------------------- | --------------------------- |
 * | `fetch-media` | 0      | upload, or media already here |                             |
 * | `decode`      | 0      |                               | from the checkpoint's point |
 * | `transcribe`  | 80     |                               | from the checkpoint         |
 * | `diarize`     | 20     | `diarize` not asked           |                             |
 * | `complete`    | 0      |                               |                             |
 *
 * A skipped stage's share goes to the others (without diarization the transcription is the whole
 * progress). Decoding streams into the transcription, so both run as `transcribe` reads.
 */
@Injectable()
export class TaskPipeline {
  private readonly stages: readonly Stage[];

  constructor(
    fetchMedia: FetchMediaStage,
    decode: DecodeStage,
    transcribe: TranscribeStage,
    diarize: DiarizeStage,
    complete: CompleteStage,
    private readonly events: TaskEvents,
  ) {
    this.stages = [fetchMedia, decode, transcribe, diarize, complete];
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
    const stages = this.stages.filter((stage) => !stage.skips?.(run));
    const total = stages.reduce((sum, stage) => sum + stage.weight, 0) || 1;
    for (const stage of stages) stage.prepare?.(run);
    const tracker = { current: 0 };
    let from = 0;
    for (const stage of stages) {
      const share = stage.weight / total;
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
