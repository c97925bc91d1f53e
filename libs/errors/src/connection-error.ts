import { HarkError } from './hark-error';

/** Socket-level error codes of a lost or refused connection (Node's `errno` names). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is going away or not there yet: class 08 (connection
 * exception) and 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now). Source:
 * PostgreSQL documentation, Appendix A "PostgreSQL Error Codes".
 */
const POSTGRES_UNAVAILABLE = /^(08|57P0[1-3])/;

/** Messages of pg, TypeORM and ioredis when a connection is lost, closed or cannot be used. */
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|Connection is closed|Socket closed unexpectedly|Stream isn't writeable|max retries per request|Client has encountered a connection error|Connection lost|the database system is (starting up|shutting down|in recovery)/i;

/**
 * Whether an error means a dependency (Postgres or Redis) cannot be reached right now, rather
 * than that the work itself is wrong: refused or reset sockets, a server shutting down, a closed
 * client. Looks through `driverError` (TypeORM) and `cause`, but never into a `HarkError`: a
 * domain error (a download's `HttpRequestError`, a share link's `LinkError`, a `MediaError`…) is
 * the work's own failure whatever socket error it carries, so a media host or callback receiver
 * that refuses, resets or never answers is not an outage of Hark's.
 */
export function isConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    if (current instanceof HarkError) return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code))) return true;
    if (CONNECTION_MESSAGES.test(current.message)) return true;
    current = (current as { driverError?: unknown }).driverError ?? current.cause;
  }
  return false;
}

/** pg-pool's error when every connection of the pool stayed in use for `connectionTimeoutMillis`. */
const POOL_FULL = 'timeout exceeded when trying to connect';

/**
 * PostgreSQL SQLSTATEs of a server that answers but cannot serve this query now: 57014 (query
 * cancelled, by `statement_timeout` or a cancel request) and 53300 (too many connections).
 */
const POSTGRES_BUSY: Readonly<Record<string, string>> = {
  '57014': 'the query ran past its time limit (statement_timeout) and was cancelled',
  '53300': 'it has no connection slot left (max_connections)',
};

/**
 * Why Postgres could not serve a query although it answers, when that is what an error says: a
 * pool whose connections are all in use, a statement timeout, no connection slot left. These are
 * load, not an outage (`isConnectionError` is false for them). Looks through `driverError`
 * (TypeORM) and `cause`, never into a `HarkError`.
 * @returns a phrase for a message ("every connection of this server's pool is in use"), or null
 */
export function databaseBusyReason(error: unknown): string | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    if (current instanceof HarkError) return null;
    if (current.message === POOL_FULL) return "every connection of this server's pool is in use";
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && POSTGRES_BUSY[code]) return POSTGRES_BUSY[code];
    current = (current as { driverError?: unknown }).driverError ?? current.cause;
  }
  return null;
}
