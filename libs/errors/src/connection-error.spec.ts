import { describe, expect, it } from 'vitest';
import { databaseBusyReason, isConnectionError } from './connection-error';
import { HarkError } from './hark-error';

describe('isConnectionError', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('recognises refused and reset sockets, Postgres shutting down, and closed Redis clients', () => {
    expect(isConnectionError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isConnectionError(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    // TypeORM wraps the driver's error.
    expect(
      isConnectionError(
        Object.assign(new Error('query failed'), { driverError: withCode('read ECONNRESET', 'ECONNRESET') }),
      ),
    ).toBe(true);
  });

  it('does not take the work’s own errors for an outage', () => {
    expect(isConnectionError(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isConnectionError(new Error('ffmpeg could not decode the audio: Invalid data'))).toBe(false);
    expect(isConnectionError('ECONNREFUSED')).toBe(false);
  });

  it('never takes a domain error for an outage, whatever socket error it carries (a media host, a callback receiver)', () => {
    // What libs/http throws when a media host refuses: a HarkError with the socket error as its cause.
    const refused = withCode('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED');
    const download = new HarkError('download_failed', 'could not connect to 127.0.0.1:9 (ECONNREFUSED)', true, {
      cause: refused,
    });
    expect(isConnectionError(download)).toBe(false);
    expect(
      isConnectionError(
        new HarkError('network_error', 'Could not reach host: ECONNRESET.', true, {
          cause: withCode('read ECONNRESET', 'ECONNRESET'),
        }),
      ),
    ).toBe(false);
    // …even when wrapped again, or when its own message sounds like a lost connection.
    expect(isConnectionError(new Error('attempt failed', { cause: download }))).toBe(false);
    expect(isConnectionError(new HarkError('download_failed', 'Connection terminated unexpectedly', true))).toBe(false);
    // The same socket error from the Postgres driver is an outage.
    expect(isConnectionError(refused)).toBe(true);
  });

  it('does not take a busy database for an outage: a full pool, a statement timeout, no connection slot', () => {
    const poolFull = new Error('timeout exceeded when trying to connect'); // pg-pool, every client in use
    const statementTimeout = withCode('canceling statement due to statement timeout', '57014');
    const tooMany = withCode('sorry, too many clients already', '53300');
    for (const error of [poolFull, statementTimeout, tooMany]) expect(isConnectionError(error)).toBe(false);
    expect(databaseBusyReason(poolFull)).toBe("every connection of this server's pool is in use");
    expect(databaseBusyReason(Object.assign(new Error('query failed'), { driverError: statementTimeout }))).toMatch(
      /statement_timeout/,
    );
    expect(databaseBusyReason(tooMany)).toMatch(/max_connections/);
    // A server that does not answer is not busy.
    expect(databaseBusyReason(new Error('Connection terminated due to connection timeout'))).toBeNull();
    expect(databaseBusyReason(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBeNull();
  });
});
