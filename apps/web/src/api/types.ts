/** The shapes of the Hark API this page reads (apps/api/openapi.json), trimmed to what it uses. */

export type TaskStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled';
export type TaskKind = 'transcribe' | 'translate';
export type TaskPriority = 'high' | 'normal' | 'low';
export type TaskSource = 'upload' | 'url' | 'link';

export const TASK_STATUSES: readonly TaskStatus[] = ['queued', 'processing', 'completed', 'failed', 'cancelled'];
export const FINAL_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];
export const TASK_PRIORITIES: readonly TaskPriority[] = ['high', 'normal', 'low'];
export const TASK_SOURCES: readonly TaskSource[] = ['upload', 'url', 'link'];

export interface Word {
  word: string;
  start: number;
  end: number;
  speaker?: string;
}

export interface Segment {
  id: number;
  start: number;
  end: number;
  text: string;
  speaker?: string;
  words?: Word[];
}

export interface Speaker {
  speaker: string;
  speaking_time: number;
}

export interface Transcript {
  text: string;
  language: string | null;
  duration: number;
  segments: Segment[];
  speakers?: Speaker[];
}

export interface LinkMetadata {
  platform: string;
  title: string | null;
  author: { username: string | null; nickname: string | null };
}

export interface Task {
  id: string;
  status: TaskStatus;
  task: TaskKind;
  language: string | null;
  language_requested: string | null;
  priority: TaskPriority;
  source: TaskSource;
  source_url: string | null;
  platform: string | null;
  link: LinkMetadata | null;
  file_name: string | null;
  file_size_bytes: number | null;
  duration: number | null;
  progress: number;
  error: string | null;
  error_code: string | null;
  engine: string | null;
  /** The Whisper model it runs on; null for tasks created before tasks named their model. */
  model: string | null;
  created_at: string;
  completed_at: string | null;
  processing_time: number | null;
  media_removed_at: string | null;
  decode_options: Record<string, unknown> | null;
  result: Transcript | null;
}

export interface TaskPage {
  total: number;
  limit: number;
  offset: number;
  items: Task[];
}

export interface OptionSupport {
  default: unknown;
  supported: boolean;
  reason?: string;
}

/** A model the running processors serve (`GET /api/v1/engine` → live_models). */
export interface LiveModel {
  name: string;
  processors: number;
  loaded: boolean;
  word_timestamps: boolean;
}

export interface Engine {
  /** The default model: what a task that names no `model` runs on; `options` are its. */
  active_model: string;
  /** The models tasks may name now; null when the api cannot read the processor registry. */
  live_models: LiveModel[] | null;
  models: string[];
  model_features: Record<string, { word_timestamps: boolean }>;
  diarization: { available: boolean; max_seconds: number };
  languages: string[];
  options: Record<string, OptionSupport>;
}

/** An event of `GET /api/v1/tasks/{id}/events` (libs/tasks/src/task-events.ts). */
export type TaskEvent =
  | { type: 'status'; status: TaskStatus; progress: number; error: string | null; error_code: string | null }
  | { type: 'progress'; progress: number }
  | { type: 'segment'; segment: Segment };

/** The error body every API route answers with (`message` says how to fix the request). */
export interface ErrorBody {
  statusCode?: number;
  message?: string | string[];
  code?: string;
}
