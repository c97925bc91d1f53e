import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { HttpsProxyAgent } from 'https-proxy-agent';
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
  /** Time limit of one request, in ms. */
  timeoutMs: number;
}

/** A platform's answer, body read as text. */
export interface PageResponse {
  /** The URL that answered (after same-origin redirects). */
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** `name=value` of every cookie the answers set, for the media download. */
  cookies: string[];
}

/**
 * A small HTTP client for platform pages: one identity (User-Agent, cookie) and one network path
 * (direct, or an HTTP(S) proxy through CONNECT) per platform. Follows redirects only within the
 * same origin; a redirect elsewhere is returned to the caller, which reads it (short links).
 */
export class PlatformClient {
  /** The proxy agent, also used by the media download. */
  readonly agent: http.Agent | undefined;

  constructor(private readonly options: PlatformClientOptions) {
    this.agent = options.proxy ? new HttpsProxyAgent(options.proxy) : undefined;
  }

  /** The identity headers of every request, merged with `extra`. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { 'user-agent': this.options.userAgent, ...(this.options.cookie ? { cookie: this.options.cookie } : {}), ...extra };
  }

  /** Headers of a media download: the identity, a Referer, and the configured cookie with those the pages set. */
  downloadHeaders(referer: string, pageCookies: string[]): Record<string, string> {
    const cookie = [this.options.cookie, ...pageCookies].filter(Boolean).join('; ');
    return { 'user-agent': this.options.userAgent, referer, ...(cookie ? { cookie } : {}) };
  }

  /**
   * GETs a page.
   * @throws LinkError `network_error` (retryable) on connection errors and timeouts;
   *   `unexpected_format` for an answer over 8 MiB
   */
  async get(url: URL, signal?: AbortSignal, extraHeaders: Record<string, string> = {}): Promise<PageResponse> {
    const cookies: string[] = [];
    let current = url;
    for (let redirects = 0; ; redirects++) {
      const response = await this.request(current, extraHeaders, signal);
      cookies.push(...(response.headers['set-cookie'] ?? []).map((line) => line.split(';')[0].trim()).filter(Boolean));
      const location = response.headers.location;
      if (response.status >= 300 && response.status < 400 && location && redirects < MAX_SAME_ORIGIN_REDIRECTS) {
        const next = new URL(location, current);
        if (next.origin === current.origin) {
          current = next;
          continue;
        }
      }
      return { ...response, url: current, cookies };
    }
  }

  private request(url: URL, extraHeaders: Record<string, string>, signal?: AbortSignal): Promise<Omit<PageResponse, 'url' | 'cookies'>> {
    const client = url.protocol === 'https:' ? https : http;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        if (signal?.aborted) return reject(signal.reason);
        const cause = timeout.aborted ? `no answer within ${this.options.timeoutMs} ms` : ((error as NodeJS.ErrnoException).code ?? error.message);
        reject(new LinkError('network_error', `Could not reach ${url.host}: ${cause}.`));
      };
      const request = client.request(
        url,
        { headers: this.headers({ accept: 'text/html,application/json;q=0.9,*/*;q=0.8', 'accept-language': 'en-US,en;q=0.9', ...extraHeaders }), agent: this.agent, signal: abort },
        (response) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes <= MAX_BODY_BYTES) {
              chunks.push(chunk);
              return;
            }
            response.destroy();
            reject(new LinkError('unexpected_format', `${url.host} answered more than ${MAX_BODY_BYTES} bytes; that is not a post page.`));
          });
          response.on('error', fail);
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      request.on('error', fail);
      request.end();
    });
  }
}
