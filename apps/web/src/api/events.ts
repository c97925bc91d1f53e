import { EventSource } from 'eventsource';
import { authHeaders } from './auth';
import { errorFrom } from './client';
import { taskPath } from './tasks';
import { FINAL_STATUSES, type TaskEvent } from './types';

/** What a watcher hears: each event, and the stream's failure (after which it stops). */
export interface TaskEventHandlers {
  onEvent: (event: TaskEvent) => void;
  /** The stream cannot be opened (e.g. 401, 404, 503); `status` is the HTTP status, 0 without one. */
  onFailure: (status: number, message: string) => void;
}

/**
 * Follows a task's live events (`GET /api/v1/tasks/{id}/events`, server-sent events) until its
 * final status. The `eventsource` package rather than the browser's EventSource, because it can
 * send the Authorization header (through its `fetch`); it reconnects after a network error with
 * Last-Event-ID, as browsers do. Returns a function that stops following.
 */
export function watchTaskEvents(id: string, handlers: TaskEventHandlers): () => void {
  let failedStatus = 0;
  let failedMessage = '';
  const source = new EventSource(taskPath(id, 'events'), {
    fetch: async (url, init) => {
      const response = await fetch(url, { ...init, headers: { ...init.headers, ...authHeaders() } });
      if (!response.ok) {
        failedStatus = response.status;
        const body = (await response
          .clone()
          .json()
          .catch(() => null)) as { message?: string } | null;
        failedMessage = errorFrom(response.status, body, response.statusText).message;
      }
      return response;
    },
  });
  const listener = (message: MessageEvent) => {
    let event: TaskEvent;
    try {
      event = JSON.parse(message.data as string) as TaskEvent;
    } catch {
      return;
    }
    handlers.onEvent(event);
    // The server ends the stream after the final status; without close() the client would reconnect.
    if (event.type === 'status' && FINAL_STATUSES.includes(event.status)) source.close();
  };
  for (const type of ['status', 'progress', 'segment']) source.addEventListener(type, listener);
  source.addEventListener('error', (error) => {
    if (source.readyState === EventSource.CLOSED) handlers.onFailure(failedStatus || (error.code ?? 0), failedMessage);
  });
  return () => source.close();
}
