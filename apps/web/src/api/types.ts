/**
 * The shapes of the Hark API this page reads, named for the page. Every one comes from schema.ts,
 * which `npm run api:types` generates from apps/api/openapi.json: nothing here is copied by hand, so a
 * change of the API that the page does not follow fails `tsc -p apps/web/tsconfig.json`.
 */
import {
  type components,
  pathsApiV1TasksIdSubtitlesGetParametersQueryFormatValues,
  type paths,
  taskDtoPriorityValues,
  taskDtoSourceValues,
  taskDtoStatusValues,
} from './schema';

type Schemas = components['schemas'];

export type Task = Omit<Schemas['TaskDto'], 'decode_options'> & {
  /** The decode options the task was created with (the document types them only as an object). */
  decode_options: Record<string, unknown> | null;
};
export type TaskStatus = Task['status'];
export type TaskKind = Task['task'];
export type TaskPriority = Task['priority'];
export type TaskSource = Task['source'];
export type TaskPage = Omit<Schemas['TaskPageDto'], 'items'> & { items: Task[] };
export type LinkMetadata = Schemas['LinkMetadataDto'];
export type Transcript = Schemas['TranscriptDto'];
export type Segment = Schemas['SegmentDto'];
export type Word = Schemas['WordDto'];
export type Speaker = Schemas['SpeakerDto'];
/** A model the running processors serve (`GET /api/v1/engine` → live_models). */
export type LiveModel = Schemas['LiveModelDto'];
export type OptionSupport = Omit<Schemas['DecodeOptionSupportDto'], 'default'> & {
  /** The option's default value (a number, a string or a boolean; the document types it only as an object). */
  default: unknown;
};
export type Engine = Omit<Schemas['EngineDto'], 'options'> & { options: Record<string, OptionSupport> };

export const TASK_STATUSES: readonly TaskStatus[] = taskDtoStatusValues;
export const TASK_PRIORITIES: readonly TaskPriority[] = taskDtoPriorityValues;
export const TASK_SOURCES: readonly TaskSource[] = taskDtoSourceValues;

/** A format of `GET /api/v1/tasks/{id}/subtitles?format=`. */
export type SubtitleFormat = NonNullable<
  NonNullable<paths['/api/v1/tasks/{id}/subtitles']['get']['parameters']['query']>['format']
>;
export const SUBTITLE_FORMATS: readonly SubtitleFormat[] = pathsApiV1TasksIdSubtitlesGetParametersQueryFormatValues;

/**
 * Whether a task in each status is done (no further event comes). Typed over every status of the API,
 * so a status added there does not compile here until it is sorted.
 */
const IS_FINAL: Record<TaskStatus, boolean> = {
  queued: false,
  processing: false,
  completed: true,
  failed: true,
  cancelled: true,
};
export const FINAL_STATUSES: readonly TaskStatus[] = TASK_STATUSES.filter((status) => IS_FINAL[status]);

/** An event of `GET /api/v1/tasks/{id}/events` (libs/tasks/src/task-events.ts; server-sent events, not in the document). */
export type TaskEvent =
  | ({ type: 'status' } & Pick<Task, 'status' | 'progress' | 'error' | 'error_code'>)
  | ({ type: 'progress' } & Pick<Task, 'progress'>)
  | { type: 'segment'; segment: Segment };

/**
 * The error body every API route answers with (`message` says how to fix the request). Read
 * defensively: a proxy in front of the api, or Nest's own validation, may answer in part of it.
 */
export type ErrorBody = Partial<Omit<Schemas['ErrorBodyDto'], 'message'>> & { message?: string | string[] };
