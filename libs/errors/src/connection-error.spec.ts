import { describe, expect, it } from 'vitest';
import { isConnectionError } from './connection-error';

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
});
