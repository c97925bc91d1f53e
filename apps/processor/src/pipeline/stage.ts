import type { DecodeOptions, Transcript } from '@app/asr-engine';
import type { TaskEntity } from '@app/tasks';

/** The stages of the task pipeline, in the order they run (`TaskPipeline`). */
export type StageName = 'fetch-media' | 'decode' | 'transcribe' | 'diarize' | 'complete';

/** Wraps the decoded audio on its way to the engine, e.g. to record it (see `TaskRun.audioTaps`). */
export type AudioTap = (audio: AsyncIterable<Float32Array>) => AsyncIterable<Float32Array>;

/** Reports progress (0–100) somewhere besides the task row, e.g. to the BullMQ job. */
export type ProgressSink = (progress: number) => Promise<void>;

/** One attempt of one task passing through the stages: what they read, and what they leave for the next. */
export interface TaskRun {
  readonly taskId: string;
  /** The task as the stages left it (`fetch-media` records the media on it). */
  task: TaskEntity;
  /**
   * What the client asked for, never the transcript's language that `complete` stores in
   * `language`: a task without a requested language detects it again on every fresh attempt.
   */
  readonly options: Partial<DecodeOptions>;
  /** Aborts the work when the task is cancelled (or the processor hands the job back). */
  readonly signal: AbortSignal;
  /** `performance.now()` when the attempt started (the processing time). */
  readonly startedAt: number;
  /**
   * Added by stages that need the samples as they pass (`prepare`), so that the file is decoded
   * once. They need all of it: with a tap the transcription starts over rather than resume.
   */
  readonly audioTaps: AudioTap[];
  /** The checkpoint the transcription resumes from (`decode` decides, `transcribe` continues there). */
  resumeFrom?: NonNullable<TaskEntity['checkpoint']>;
  /** The decoded 16 kHz mono samples, from the resume point on (`decode`). */
  audio?: AsyncIterable<Float32Array>;
  /** The transcript (`transcribe`, then `diarize` adds the speakers). */
  transcript?: Transcript;
  /** The name of the engine that transcribed it. */
  engine?: string;
  /** Windows decoded and decodes run (for the log). */
  readonly windows: { count: number; decodes: number };
}

/** A stage's view of the task's progress: its own 0–1 mapped onto the share its weight gives it. */
export interface StageProgress {
  /** The task's progress (0–99: 100 only once the result is stored) at `fraction` (0–1) of this stage. */
  at(fraction: number): number;
  /** The task's progress as last reported. */
  readonly current: number;
  /** Reports the task's progress to the job and as a live event, when it moved forward. */
  report(progress: number): Promise<void>;
  /** Reports 100 to the job (the task row and its status event already say so). */
  done(): Promise<void>;
}

/** One named step of the task pipeline (its place and weight: `TaskPipeline`). */
export interface Stage {
  readonly name: StageName;
  /** Whether this task skips the stage (decided before any stage runs). */
  skips?(run: TaskRun): boolean;
  /** Called before any stage runs, for each stage that will (e.g. to tap the audio). */
  prepare?(run: TaskRun): void;
  run(run: TaskRun, progress: StageProgress): Promise<void>;
}
