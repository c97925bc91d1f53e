/** The message an app sends `npm start`'s supervisor (scripts/start.ts) once it is ready. */
export const READY_MESSAGE = { hark: 'ready' } as const;

/**
 * For an app started by `npm start`'s supervisor (scripts/start.ts, over an IPC channel): tells it
 * that this app is ready. Without a supervisor (started alone, or by a test) it does nothing.
 */
export function notifySupervisorReady(): void {
  process.send?.(READY_MESSAGE);
}

/**
 * For an app started by `npm start`'s supervisor: when the supervisor disappears (killed with
 * SIGKILL, so it could not stop its apps), stops this app as SIGTERM would. Without a supervisor
 * it does nothing.
 */
export function stopWhenSupervisorGoes(): void {
  if (!process.connected) return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
