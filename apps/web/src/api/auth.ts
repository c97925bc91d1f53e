import { createStore } from '../lib/store';

const STORAGE_KEY = 'hark.apiKey';

/** What the page knows about API keys. `generation` grows whenever the key changes, so views load again. */
export interface AuthState {
  /** The key kept in localStorage, sent as `Authorization: Bearer <key>`; null when none. */
  key: string | null;
  /** True after the API answered 401: the page asks for a key. */
  required: boolean;
  /** The API's message for that 401 (e.g. the key was refused). */
  message: string | null;
  generation: number;
}

function readKey(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the key lives for this page only
  }
}

function writeKey(key: string | null): void {
  try {
    if (key === null) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, key);
  } catch {
    // storage disabled: nothing to keep
  }
}

export const auth = createStore<AuthState>({ key: readKey(), required: false, message: null, generation: 0 });

/** Headers that authenticate a request with the kept key (none without a key). */
export function authHeaders(): Record<string, string> {
  const { key } = auth.get();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** Called on a 401: the page shows the key prompt with the API's message. */
export function keyRequired(message: string | null): void {
  const state = auth.get();
  if (!state.required || state.message !== message) auth.set({ ...state, required: true, message });
}

/** Keeps a key (trimmed) and lets every view load again with it. */
export function saveKey(key: string): void {
  const trimmed = key.trim();
  writeKey(trimmed);
  const state = auth.get();
  auth.set({ key: trimmed, required: false, message: null, generation: state.generation + 1 });
}

/** Removes the kept key; views load again and, when keys are required, the prompt appears. */
export function forgetKey(): void {
  writeKey(null);
  const state = auth.get();
  auth.set({ key: null, required: false, message: null, generation: state.generation + 1 });
}
