import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../api/client';

/** The state of something loaded: its data once there, or the error that stopped it. */
export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** Loads again (keeps the current data meanwhile). */
  reload: () => void;
  /** Replaces the data, e.g. with what an action answered. */
  setData: (data: T) => void;
}

/** Runs `load` when `deps` change (and on reload()), keeping only the latest answer. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [run, setRun] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const ticket = ++latest.current;
    loadRef.current().then(
      (value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setError(undefined);
      },
      (failure: ApiError) => {
        if (ticket !== latest.current) return;
        setError(failure);
      },
    );
  }, [...deps, run]); // the caller's deps, and reload()

  const reload = useCallback(() => setRun((n) => n + 1), []);
  return { data, error, reload, setData };
}
