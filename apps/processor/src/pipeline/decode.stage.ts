import { resumeStart } from '@app/asr-engine';
import { MediaError, MediaTools } from '@app/media';
import { Injectable, Logger } from '@nestjs/common';
import type { Stage, TaskRun } from './stage';

/**
 * Decoding and VAD: ffmpeg decodes the media to 16 kHz mono samples, streamed (Silero VAD cuts
 * them into speech as the engine reads them), from where the transcription resumes: the task's
 * checkpoint, unless the decoding is clipped (it cannot resume mid-file) or a stage taps the audio
 * (it needs the whole file). Its time counts in `transcribe`'s weight: the work happens as `transcribe` reads.
 */
@Injectable()
export class DecodeStage implements Stage {
  private readonly logger = new Logger('TaskPipeline');
  readonly name = 'decode';

  constructor(private readonly media: MediaTools) {}

  /** @throws MediaError `unreadable` when the task has no media */
  run(run: TaskRun): Promise<void> {
    const { task, options } = run;
    if (!task.mediaPath) throw new MediaError('unreadable', 'The task has no media.');
    const resumable = (options.clip_timestamps ?? '0') === '0' && run.audioTaps.length === 0;
    run.resumeFrom = task.checkpoint && resumable ? task.checkpoint : undefined;
    const decoded = this.media.decode(task.mediaPath, run.signal, resumeStart(run.resumeFrom));
    run.audio = run.audioTaps.reduce<AsyncIterable<Float32Array>>((audio, tap) => tap(audio), decoded);
    if (run.resumeFrom)
      this.logger.log(
        `Task ${run.taskId} resumes at ${run.resumeFrom.position} s with ${run.resumeFrom.segments.length} segments`,
      );
    return Promise.resolve();
  }
}
