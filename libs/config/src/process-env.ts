import { delimiter } from 'node:path';

/*
 * Hark's code reads its environment only in this library: `loadConfig()` validates the variables of
 * `Environment`, and the functions below hand the environment on to the processes Hark starts (which
 * validate it themselves). ESLint refuses `process.env` elsewhere, except in tests, the bench and
 * their fixtures, which read their own settings (TEST_POSTGRES_URL, MODELS_DIR of the test models, …).
 */

/** This process's environment with `overrides`, for a child process it starts. */
export function childProcessEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/**
 * `childProcessEnv()` with `dir` put first on LD_LIBRARY_PATH, the dynamic loader's search path (e.g.
 * for `ldd` on a library that loads its neighbours from its own folder).
 */
export function envWithLibraryPath(dir: string): NodeJS.ProcessEnv {
  return childProcessEnv({ LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter) });
}

/** Whether NO_COLOR asks for output without colours (https://no-color.org). */
export function noColorRequested(): boolean {
  return !!process.env.NO_COLOR;
}
