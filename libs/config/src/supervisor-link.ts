/** The message an app sends its supervisor (`npm start`'s scripts/start.ts, or a processor's device supervisor) once it is ready. */
export const READY_MESSAGE = { hark: 'ready' } as const;

/** A ready message, with the port of the app's health probes when it has them. */
export interface ReadyMessage {
  hark: 'ready';
  healthPort?: number;
}

/**
 * For an app started by a supervisor over an IPC channel (`npm start`'s scripts/start.ts, or a
 * processor supervising its devices' worker processes): tells it that this app is ready, and where
 * its health probes listen. Without a supervisor (started alone, or by a test) it does nothing.
 */
export function notifySupervisorReady(healthPort?: number): void {
  const message: ReadyMessage = { ...READY_MESSAGE, ...(healthPort !== undefined && { healthPort }) };
  process.send?.(message);
}

/** Whether an IPC message is a {@link ReadyMessage}. */
export function isReadyMessage(message: unknown): message is ReadyMessage {
  return (message as ReadyMessage | null)?.hark === READY_MESSAGE.hark;
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
