/**
 * Query parameters whose value is a secret: `key`, `token`, `secret`, `password`, `signature`, … alone
 * or as the last word of the name (`api_key`, `access_token`, `client_secret`, `X-Amz-Signature`).
 */
const SECRET_PARAM =
  /(?:^|[_.-])(?:key|apikey|token|secret|password|passwd|pwd|signature|sig|auth|authorization|credential|credentials|jwt)$/i;

/** The placeholder of a redacted value. */
export const REDACTED = '[REDACTED]';

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * A request URL (`originalUrl`: path and query) fit for the log: the value of every query
 * parameter that carries a secret (see `SECRET_PARAM`) becomes `[REDACTED]`; everything else is
 * left exactly as the client sent it.
 * @example redactUrl('/api/v1/tasks?token=abc&limit=5') === '/api/v1/tasks?token=[REDACTED]&limit=5'
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const query = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals < 0 ? pair : pair.slice(0, equals);
      const name = decodeName(rawName).replace(/\[.*$/, ''); // api_key[] → api_key
      return equals >= 0 && SECRET_PARAM.test(name) ? `${rawName}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, start)}?${query}`;
}
