import { LinkError } from './link-error';
import type { PageResponse } from './http-client';

/** Where a platform sends visitors it wants to log in (TikTok `/login`, ByteDance SSO/passport). */
const LOGIN_PAGE = /(^|[./])(login|passport|sso)([./?]|$)/i;

/** Whether a URL is a login page. */
export function isLoginPage(url: URL): boolean {
  return LOGIN_PAGE.test(url.hostname) || LOGIN_PAGE.test(url.pathname);
}

/**
 * Classifies a platform's answer that carries no usable page: rate limit (429), region block (451),
 * missing post (404/410), login wall (401/403, or a redirect to a login page), platform trouble
 * (5xx, retryable), an empty 200 (the platforms' anti-bot answer), anything else unexpected.
 * Returns normally for a 200 with a body.
 * @param what names the thing asked for in messages, e.g. `TikTok video 7301234567890123456`
 * @throws LinkError
 */
export function checkAnswer(response: PageResponse, what: string): void {
  const { status, url } = response;
  const location = response.headers.location ? new URL(response.headers.location, url) : null;
  if (status === 429) {
    const after = response.headers['retry-after'];
    throw new LinkError(
      'rate_limited',
      `${url.host} is rate limiting requests (HTTP 429${after ? `, Retry-After ${after}` : ''}); the task is retried later.`,
    );
  }
  if (status === 451)
    throw new LinkError(
      'region_blocked',
      `${what} is not available in the region this server is in (HTTP 451). Set a proxy in another region for this platform.`,
    );
  if (status === 404 || status === 410)
    throw new LinkError('not_found', `${what} does not exist (HTTP ${status}): it was deleted, or the link is wrong.`);
  if (status === 401 || status === 403 || (location && isLoginPage(location))) {
    throw new LinkError(
      'login_required',
      `${what} needs a logged-in session (${location ? `redirected to ${location.host}${location.pathname}` : `HTTP ${status}`}). Set this platform's cookie, or renew it if it expired.`,
    );
  }
  if (status >= 500)
    throw new LinkError('network_error', `${url.host} answered HTTP ${status}; the task is retried later.`);
  if (status !== 200)
    throw new LinkError(
      'unexpected_format',
      `${url.host} answered HTTP ${status}${location ? ` (redirect to ${location.href})` : ''} for ${what}, not the page expected.`,
    );
  if (!response.body.trim()) {
    throw new LinkError(
      'empty_response',
      `${url.host} answered HTTP 200 with an empty body for ${what} (its anti-bot answer). Set this platform's cookie, or a proxy.`,
    );
  }
}

/**
 * The JSON inside `<script id="…">…</script>` (TikTok's `__UNIVERSAL_DATA_FOR_REHYDRATION__`).
 * @returns the parsed value, or undefined when the page has no such script
 * @throws LinkError `unexpected_format` when the script is not valid JSON
 */
export function scriptJson(html: string, id: string): unknown {
  const match = new RegExp(`<script[^>]*\\sid=["']${id}["'][^>]*>([\\s\\S]*?)</script>`).exec(html);
  return match ? parseJson(match[1], id) : undefined;
}

/**
 * The JSON assigned to a variable in an inline script, e.g. `window._ROUTER_DATA = {…}` (Douyin's
 * share page), up to the end of that script.
 * @returns the parsed value, or undefined when the page has no such assignment
 * @throws LinkError `unexpected_format` when the value is not valid JSON
 */
export function assignedJson(html: string, variable: string): unknown {
  const start = html.indexOf(`${variable} = `);
  if (start < 0) return undefined;
  const from = start + variable.length + 3;
  const end = html.indexOf('</script>', from);
  return parseJson(
    html
      .slice(from, end < 0 ? undefined : end)
      .trim()
      .replace(/;$/, ''),
    variable,
  );
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new LinkError(
      'unexpected_format',
      `The page's ${name} is not valid JSON; the platform may have changed its page.`,
    );
  }
}
