import { authHeaders } from './auth';
import { ApiError, errorFrom } from './client';
import { TASKS } from './tasks';
import type { ErrorBody, Task } from './types';

/** An upload in progress: its outcome, and a way to stop it. */
export interface Upload {
  done: Promise<Task>;
  abort(): void;
}

/**
 * Uploads a file as a new task (multipart POST /api/v1/tasks, field `file`, options as form
 * fields). XMLHttpRequest rather than fetch: it reports upload progress, as a fraction 0–1.
 */
export function uploadTask(file: File, fields: Record<string, string>, onProgress: (fraction: number) => void): Upload {
  const request = new XMLHttpRequest();
  const done = new Promise<Task>((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', file, file.name);
    request.open('POST', TASKS);
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    request.responseType = 'json';
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve(request.response as Task);
      } else reject(errorFrom(request.status, request.response as ErrorBody | null, request.statusText));
    });
    request.addEventListener('error', () => reject(new ApiError(0, 'The upload failed: the server did not answer.')));
    request.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'aborted')));
    request.send(form);
  });
  return { done, abort: () => request.abort() };
}
