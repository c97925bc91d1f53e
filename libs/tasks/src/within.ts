import { type Dependency, unavailable } from './dependency-monitor';

/** How long the api waits for Redis or Postgres on a request before answering 503. */
export const DEPENDENCY_WAIT_MS = 2000;

/**
 * Waits for an operation on a dependency, at most `timeoutMs`: an api request must never hang on
 * a dependency that went away (ioredis queues commands while it reconnects).
 * @throws HarkError `dependency_unavailable` naming the dependency when time runs out, or when the
 *   operation fails because the connection is gone; the operation's own error otherwise
 */
export async function within<T>(
  operation: Promise<T>,
  dependency: Dependency,
  timeoutMs = DEPENDENCY_WAIT_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      operation,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(unavailable(dependency)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
