import type { Agent } from 'node:http';
import { HttpClient, type HttpFetcher, HttpRequestError, proxyAgent, type TextResponse } from '@app/http';
import { LinkError } from './link-error';

/** Largest page or JSON body read from a platform, in bytes (real video pages are 0.3–2 MB). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Same-origin redirects followed for one page (e.g. `/@/video/<id>` → `/@user/video/<id>`). */
const MAX_SAME_ORIGIN_REDIRECTS = 5;

/** How one platform is reached: identity and network path of every request to it. */
export interface PlatformClientOptions {
  userAgent: string;
  /** Sent as `Cookie` with every request (e.g. a logged-in session), or null. */
  cookie: string | null;
  /** HTTP(S) proxy URL for every request to the platform and its CDN, or null. */
  proxy: string | null;
  /** Time limit of one page request (its same-origin redirects included), in ms. */
  timeoutMs: number;
  /**
   * Hosts exempt from the private-address guard (ALLOWED_URL_HOSTS and the platform's configured
   * origins); every other page, redirect and media host must be public.
   */
  allowedHosts: ReadonlySet<string>;
}

/**
 * A platform's answer, body read as text: the URL that answered (after same-origin redirects),
 * status, headers, body, and `name=value` of every cookie the answers set (for the media download).
 */
export type PageResponse = TextResponse;

/**
 * A platform's identity (User-Agent, cookie) and network path (direct, or an HTTP(S) proxy
 * through CONNECT); the requests themselves go through the shared `HttpClient`. Follows
 * redirects only within the same origin; a redirect elsewhere is returned to the caller, which
 * reads it (short links). Platform base URLs are operator-configured (tests point them at
 * 127.0.0.1), so pages are fetched without the private-address guard.
 */
export class PlatformClient {
  /** The proxy agent, also used by the media download. */
  readonly agent: Agent | undefined;

  constructor(
    private readonly options: PlatformClientOptions,
    private readonly http: HttpFetcher = new HttpClient(),
  ) {
    this.agent = options.proxy ? proxyAgent(options.proxy) : undefined;
  }

  /** The identity headers of every request, merged with `extra`. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'user-agent': this.options.userAgent,
      ...(this.options.cookie ? { cookie: this.options.cookie } : {}),
      ...extra,
    };
  }

  /** Headers of a media download: the identity, a Referer, and the configured cookie with those the pages set. */
  downloadHeaders(referer: string, pageCookies: string[]): Record<string, string> {
    const cookie = [this.options.cookie, ...pageCookies].filter(Boolean).join('; ');
    return { 'user-agent': this.options.userAgent, referer, ...(cookie ? { cookie } : {}) };
  }

  /**
   * GETs a page.
   * @throws LinkError `network_error` (retryable) on connection errors and timeouts
   *   (`Could not reach <host>: <cause>.`); `unexpected_format` for an answer over 8 MiB;
   *   the abort reason when `signal` aborts
   */
  async get(url: URL, signal?: AbortSignal, extraHeaders: Record<string, string> = {}): Promise<PageResponse> {
    try {
      return await this.http.getText(url, {
        headers: this.headers({
          accept: 'text/html,application/json;q=0.9,*/*;q=0.8',
          'accept-language': 'en-US,en;q=0.9',
          ...extraHeaders,
        }),
        proxy: this.agent,
        timeoutMs: this.options.timeoutMs,
        signal,
        maxBytes: MAX_BODY_BYTES,
        redirects: { follow: 'same-origin', max: MAX_SAME_ORIGIN_REDIRECTS },
        allowedHosts: this.options.allowedHosts,
      });
    } catch (error) {
      if (!(error instanceof HttpRequestError)) throw error;
      const host = (error.url ?? url).host;
      if (error.failure === 'too_large')
        throw new LinkError(
          'unexpected_format',
          `${host} answered more than ${MAX_BODY_BYTES} bytes; that is not a post page.`,
        );
      const cause = error.failure === 'timeout' ? `no answer within ${this.options.timeoutMs} ms` : error.reason;
      throw new LinkError('network_error', `Could not reach ${host}: ${cause}.`);
    }
  }
}
