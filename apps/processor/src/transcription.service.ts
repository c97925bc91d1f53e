import { MediaTools } from '@app/media';
import { type DetectLanguageResult, type TaskEntity, TaskLifecycle, TaskRepository } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import { AsrEngines } from './asr-engines';
import type { ProgressSink } from './pipeline/stage';
import { TaskPipeline } from './pipeline/task-pipeline';

/**
 * The work of a processor's transcription jobs: a task's attempt through the pipeline
 * (`TaskPipeline`: fetch media → decode and VAD → transcribe → diarize → complete), and the
 * language of a stored file.
 */
@Injectable()
export class TranscriptionService {
  constructor(
    private readonly taskRepository: TaskRepository,
    private readonly lifecycle: TaskLifecycle,
    private readonly pipeline: TaskPipeline,
    private readonly media: MediaTools,
    private readonly engines: AsrEngines,
  ) {}

  /**
   * Starts an attempt (`TaskLifecycle.start`, counting it).
   * @returns the task, or null when it is gone or already finished (a duplicate delivery, a
   *   cancelled or deleted task): the job is then skipped
   */
  start(taskId: string): Promise<TaskEntity | null> {
    return this.lifecycle.start(taskId);
  }

  /**
   * Transcribes a started task and stores its result. After each window the progress and a
   * checkpoint (segments so far, audio position) are saved, and an attempt after a crash, a
   * hand-back or a dependency outage resumes from there.
   * @param signal aborts the work when the task is cancelled
   * @throws MediaError, HttpRequestError or LinkError (see `retryable`) when the media cannot be had
   *   or decoded; the abort reason; any other error is transient (database, Redis, engine)
   */
  process(task: TaskEntity, reportProgress: ProgressSink, signal: AbortSignal): Promise<void> {
    return this.pipeline.run(task, reportProgress, signal);
  }

  /** The task, when it is still `processing` (the same attempt continuing after a dependency outage). */
  async current(taskId: string): Promise<TaskEntity | null> {
    const task = await this.taskRepository.findById(taskId);
    return task?.status === 'processing' ? task : null;
  }

  /**
   * Identifies the language of a stored file (at most its first 30 s of speech) with one model's
   * engine (the job's queue's: the default model's).
   */
  async detectLanguage(mediaPath: string, model: string): Promise<DetectLanguageResult> {
    // identifyLanguage stops iterating once it has enough speech, which stops ffmpeg.
    const language = await this.engines.use(model, (engine) => engine.identifyLanguage(this.media.decode(mediaPath)));
    return { language };
  }
}
