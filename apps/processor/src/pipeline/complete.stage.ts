import { TaskLifecycle } from '@app/tasks';
import { Injectable, Logger } from '@nestjs/common';
import type { Stage, StageProgress, TaskRun } from './stage';

/**
 * How much shorter than its header's duration the decoded audio may be before the file counts as
 * truncated: 1 s, or 2 % of the header's duration when that is more (codec delay and padding,
 * rounding of the header).
 */
const TRUNCATION_TOLERANCE = { seconds: 1, fraction: 0.02 };

/**
 * Whether a file was cut off: its decoded audio (`decoded` seconds) ended more than the tolerance
 * before the duration its header states (`declared`, from ffprobe; null or 0 when unknown: never).
 */
export function isTruncated(declared: number | null, decoded: number): boolean {
  if (!declared || !Number.isFinite(declared)) return false;
  const tolerance = Math.max(TRUNCATION_TOLERANCE.seconds, declared * TRUNCATION_TOLERANCE.fraction);
  return decoded < declared - tolerance;
}

/**
 * Stores the result and completes the task (`TaskLifecycle.complete`, which raises `TaskFinished`:
 * the callback and any step after the transcript), flags media that ended before its header said,
 * and logs the real-time factor. A task cancelled or deleted meanwhile keeps its status: the result
 * is discarded.
 */
@Injectable()
export class CompleteStage implements Stage {
  private readonly logger = new Logger('TaskPipeline');
  readonly name = 'complete';

  constructor(private readonly lifecycle: TaskLifecycle) {}

  async run(run: TaskRun, progress: StageProgress): Promise<void> {
    const { taskId, task, windows, resumeFrom } = run;
    const transcript = run.transcript!;
    const processingTime = Math.round(performance.now() - run.startedAt) / 1000;
    const mediaTruncated = isTruncated(task.duration, transcript.duration);
    if (mediaTruncated)
      this.logger.warn(
        `Task ${taskId}: the file's header says ${task.duration} s but only ${transcript.duration} s of audio could be decoded`,
      );
    const outcome = {
      result: transcript,
      engine: run.engine!,
      processingTime,
      language: transcript.language,
      duration: transcript.duration,
      mediaTruncated,
    };
    if (!(await this.lifecycle.complete(taskId, outcome))) {
      this.logger.warn(`Task ${taskId} changed while it was processed (cancelled or deleted); result discarded`);
      return;
    }
    await progress.done();
    this.logger.log(
      `Task ${taskId} completed: ${transcript.segments.length} segments, ${transcript.duration}s of audio in ${processingTime}s (RTF ${(processingTime / Math.max(transcript.duration, 0.001)).toFixed(3)}); ${windows.count} windows, ${windows.decodes} decodes${resumeFrom ? `, resumed at ${resumeFrom.position} s` : ''}`,
    );
  }
}
