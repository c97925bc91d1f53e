import type { IncomingHttpHeaders } from 'node:http';

/** The User-Agent of requests that name none. */
export const DEFAULT_USER_AGENT = 'Hark/1 (speech-to-text)';

/** Headers sent only to the origin of the first request: a redirect elsewhere drops them. */
const ORIGIN_BOUND_HEADERS = ['cookie', 'authorization'];

/** The caller's headers with lower-case names, and the default User-Agent unless one is given. */
export function baseHeaders(headers: Record<string, string> = {}): Record<string, string> {
  return {
    'user-agent': DEFAULT_USER_AGENT,
    ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  };
}

/**
 * The headers of one hop: `cookie` and `authorization` only when `current` has the origin of
 * `first`; `content-length` of `body`, and no body headers without one (after a 303).
 */
export function hopHeaders(
  base: Record<string, string>,
  first: URL,
  current: URL,
  body: string | Buffer | undefined,
): Record<string, string> {
  const headers = { ...base };
  if (current.origin !== first.origin) for (const name of ORIGIN_BOUND_HEADERS) delete headers[name];
  if (body === undefined) {
    delete headers['content-length'];
    delete headers['content-type'];
  } else {
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return headers;
}

/** `name=value` of every cookie an answer sets (attributes dropped). */
export function setCookiePairs(headers: IncomingHttpHeaders): string[] {
  return (headers['set-cookie'] ?? []).map((line) => line.split(';')[0].trim()).filter(Boolean);
}
