import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { waitFor } from './wait';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Sends a multipart upload like `curl -F file=@path -F key=value`. */
export async function upload(
  baseUrl: string,
  path: string | null,
  fields: Record<string, string> = {},
  route = '/api/v1/tasks',
): Promise<ApiResponse> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (path) form.append('file', await openAsBlob(path), basename(path));
  const response = await fetch(`${baseUrl}${route}`, { method: 'POST', body: form });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** POSTs a JSON body, like `curl -H 'content-type: application/json' -d '…'`. */
export async function postJson(baseUrl: string, route: string, body: Record<string, unknown>): Promise<ApiResponse> {
  const response = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

export async function getJson(baseUrl: string, route: string): Promise<ApiResponse> {
  const response = await fetch(`${baseUrl}${route}`);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/**
 * Polls a task until its status is one of `until`, recording every progress value seen.
 * @throws when the task does not get there within `timeoutMs`
 */
export async function waitForTask(
  baseUrl: string,
  id: string,
  until: string[] = ['completed', 'failed'],
  timeoutMs = 120_000,
  pollMs = 100,
): Promise<{ task: any; progress: number[]; statuses: string[] }> {
  const progress: number[] = [];
  const statuses: string[] = [];
  const task = await waitFor(
    async () => {
      const { body: task } = await getJson(baseUrl, `/api/v1/tasks/${id}`);
      progress.push(task.progress);
      if (statuses.at(-1) !== task.status) statuses.push(task.status);
      return task;
    },
    {
      until: (task) => until.includes(task.status),
      what: () => `task ${id} to be ${until.join(' or ')} (statuses seen: ${statuses.join(' → ')})`,
      timeoutMs,
      intervalMs: pollMs,
    },
  );
  return { task, progress, statuses };
}
