import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('replaces the values of secret parameters and keeps everything else as sent', () => {
    expect(
      redactUrl('/api/v1/tasks?token=abc&limit=5&api_key=k1&access_token=t&X-Amz-Signature=s&password=p&secret=x'),
    ).toBe(
      '/api/v1/tasks?token=[REDACTED]&limit=5&api_key=[REDACTED]&access_token=[REDACTED]&X-Amz-Signature=[REDACTED]&password=[REDACTED]&secret=[REDACTED]',
    );
    expect(redactUrl('/x?key=1&signature=2&client_secret=3&apikey=4')).toBe(
      '/x?key=[REDACTED]&signature=[REDACTED]&client_secret=[REDACTED]&apikey=[REDACTED]',
    );
  });

  it('matches encoded and bracketed names, and leaves look-alikes and paths alone', () => {
    expect(redactUrl('/x?api%5Fkey=1&token[]=2')).toBe('/x?api%5Fkey=[REDACTED]&token[]=[REDACTED]');
    expect(redactUrl('/x?monkey=1&keyboard=2&tokens=3&status=failed')).toBe(
      '/x?monkey=1&keyboard=2&tokens=3&status=failed',
    );
    expect(redactUrl('/api/v1/tasks/token')).toBe('/api/v1/tasks/token');
    expect(redactUrl('/x?token')).toBe('/x?token');
  });
});
