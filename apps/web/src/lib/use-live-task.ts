import { useEffect, useRef, useState } from 'preact/hooks';
import { watchTaskEvents } from '../api/events';
import { FINAL_STATUSES, type Segment, type Task, type TaskStatus } from '../api/types';
import { type ProgressSample, secondsLeft } from './eta';

/** A task as its live events show it. */
export interface LiveTask {
  status: TaskStatus;
  progress: number;
  error: string | null;
  segments: Segment[];
  /** Estimated seconds left (from the progress rate), null while unknown. */
  eta: number | null;
  /** The stream could not be opened; `message` says why. */
  failure: string | null;
}

/** Readings that arrive this close to the first (a replay of stored events) restart the rate measurement. */
const REPLAY_MS = 250;

const WAITING: LiveTask = { status: 'queued', progress: 0, error: null, segments: [], eta: null, failure: null };

/**
 * Follows a task's live events while it is queued or processing (`task` as last loaded); calls
 * `onFinal` when the final status arrives, so the caller loads the finished task. Null until a
 * stream was opened for this task.
 */
export function useLiveTask(task: Task | undefined, onFinal: () => void): LiveTask | null {
  const [live, setLive] = useState<LiveTask | null>(null);
  const active = task !== undefined && !FINAL_STATUSES.includes(task.status);
  const id = task?.id;
  const final = useRef(onFinal);
  final.current = onFinal;

  useEffect(() => {
    if (!active || !id) return;
    let first: ProgressSample | null = null;
    let last: ProgressSample | null = null;
    const sample = (progress: number) => {
      const now = performance.now();
      last = { at: now, progress };
      if (!first || now - first.at < REPLAY_MS) first = last;
    };
    setLive((current) => current ?? WAITING);
    return watchTaskEvents(id, {
      onEvent(event) {
        setLive((current) => {
          const state = current ?? WAITING;
          switch (event.type) {
            case 'status':
              if (event.status === 'queued') first = last = null;
              if (event.status === 'processing') sample(event.progress);
              return {
                ...state,
                status: event.status,
                progress: event.progress,
                error: event.error,
                // A task queued again (retried) starts over.
                segments: event.status === 'queued' ? [] : state.segments,
                eta: event.status === 'processing' ? secondsLeft(first, last) : null,
              };
            case 'progress':
              sample(event.progress);
              return { ...state, status: 'processing', progress: event.progress, eta: secondsLeft(first, last) };
            case 'segment':
              return state.segments.some(
                (segment) => segment.id === event.segment.id && segment.start === event.segment.start,
              )
                ? state
                : { ...state, segments: [...state.segments, event.segment] };
          }
        });
        if (event.type === 'status' && FINAL_STATUSES.includes(event.status)) final.current();
      },
      onFailure(_status, message) {
        setLive((current) => (current ? { ...current, failure: message } : current));
      },
    });
  }, [id, active]);

  return live;
}
