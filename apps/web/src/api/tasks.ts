import { api, type Query, withQuery } from './client';
import type { Engine, Task, TaskPage } from './types';

/** The routes of the Tasks API (README "Tasks") that the page calls, one function each. */

export const TASKS = '/api/v1/tasks';

/** Path of one task's route, e.g. taskPath(id, 'media'). */
export function taskPath(id: string, ...rest: string[]): string {
  return [`${TASKS}/${encodeURIComponent(id)}`, ...rest].join('/');
}

/** Creates a task from a media URL (`file_url`) or a share link / share text (`url`), with its options. */
export function createTaskFromLink(fields: Record<string, unknown>): Promise<Task> {
  return api<Task>(TASKS, { method: 'POST', body: fields });
}

/** One page of tasks, newest first, with the list's filters. */
export function listTasks(query: Query): Promise<TaskPage> {
  return api<TaskPage>(withQuery(TASKS, query));
}

export function getTask(id: string): Promise<Task> {
  return api<Task>(taskPath(id));
}

export function cancelTask(id: string): Promise<Task> {
  return api<Task>(taskPath(id, 'cancel'), { method: 'POST' });
}

export function retryTask(id: string): Promise<Task> {
  return api<Task>(taskPath(id, 'retry'), { method: 'POST' });
}

export function deleteTask(id: string): Promise<void> {
  return api<void>(taskPath(id), { method: 'DELETE' });
}

/** Renames speakers: label (or current name) → new name. Answers the task with the new names. */
export function renameSpeakers(id: string, names: Record<string, string>): Promise<Task> {
  return api<Task>(taskPath(id, 'speakers'), { method: 'PATCH', body: names });
}

/** What the engine supports: languages, options, word timestamps, diarization. */
export function getEngine(): Promise<Engine> {
  return api<Engine>('/api/v1/engine');
}
