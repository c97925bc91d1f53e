import { AsrEngine } from '@app/asr-engine';
import { decodePcm } from '@app/media';
import { TaskRepository } from '@app/tasks';
import { Injectable, Logger } from '@nestjs/common';

/** Reports progress (0–100) somewhere besides the task row, e.g. to the BullMQ job. */
export type ProgressSink = (progress: number) => Promise<void>;

/**
 * Runs one task through the pipeline: stored media → ffmpeg (16 kHz mono PCM, streamed) →
 * Silero VAD → Whisper → segments, updating progress as chunks finish and storing the result.
 */
@Injectable()
export class TranscriptionService {
  private readonly logger = new Logger(TranscriptionService.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly engine: AsrEngine,
  ) {}

  /**
   * Transcribes a task and stores its result. Does nothing when the task is gone or finished
   * (a duplicate delivery).
   * @throws MediaError when ffmpeg cannot decode the media (the task cannot succeed);
   *   any other error is transient (database, Redis, engine) and worth a retry
   */
  async run(taskId: string, reportProgress: ProgressSink): Promise<void> {
    const task = await this.tasks.findById(taskId);
    if (!task || !task.mediaPath || !(await this.tasks.start(taskId))) {
      this.logger.warn(`Task ${taskId} is gone or already finished; job skipped`);
      return;
    }
    const startedAt = performance.now();
    let progress = 0;
    const transcript = await this.engine.transcribe(decodePcm(task.mediaPath), {
      language: task.language,
      task: task.task,
      onProgress: async (_segment, secondsRead) => {
        // Capped at 99 until the result is stored; written only when the whole percent changes.
        const next = task.duration ? Math.min(99, Math.floor((secondsRead / task.duration) * 100)) : 0;
        if (next <= progress) return;
        progress = next;
        await Promise.all([this.tasks.setProgress(taskId, next), reportProgress(next)]);
      },
    });
    const processingTime = (performance.now() - startedAt) / 1000;
    await this.tasks.complete(taskId, transcript, this.engine.info.name, Math.round(processingTime * 1000) / 1000);
    this.logger.log(
      `Task ${taskId} completed: ${transcript.segments.length} segments, ${transcript.duration}s of audio in ${processingTime.toFixed(2)}s (RTF ${(processingTime / Math.max(transcript.duration, 0.001)).toFixed(3)})`,
    );
  }
}
