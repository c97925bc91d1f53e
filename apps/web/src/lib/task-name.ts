import type { Task } from '../api/types';

/** What to call a task: its file name, its share link's title, its URL, or its id. */
export function taskName(task: Task): string {
  return task.file_name || task.link?.title || task.source_url || task.id;
}
