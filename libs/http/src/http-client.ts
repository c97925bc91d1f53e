import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HarkError } from '@app/errors';
import { Injectable } from '@nestjs/common';
import { Exchange } from './exchange';
import { suggestedFileName } from './file-name';
import { baseHeaders, hopHeaders, setCookiePairs } from './headers';
import { HttpRequestError, isRetryableStatus, UrlNotAllowedError } from './http-errors';
import type {
  DownloadOptions,
  DownloadResult,
  HttpFetcher,
  HttpResponse,
  PostJsonOptions,
  RequestOptions,
  TextOptions,
  TextResponse,
} from './http-types';
import { checkDeclaredSize, limitedBody, type SizeLimit } from './limited-body';
import { send } from './send';

const isSuccess = (status: number) => status >= 200 && status < 300;

/**
 * Hark's one HTTP client: every outgoing request (media downloads, share-link pages, signed
 * callbacks, model archives) goes through it, with the private-address guard on every hop (see
 * `GuardOptions`), a redirect policy, size and time limits, an optional proxy, the default
 * User-Agent `Hark/1 (speech-to-text)`, and `cookie` / `authorization` sent to the first
 * request's origin only. Errors are Hark errors: `UrlNotAllowedError` (`url_not_allowed`) for a
 * refused address, `HttpRequestError` (`download_failed`) for the rest, or the caller's abort
 * reason. Injectable (`HttpClientModule`), or constructed with `new HttpClient()`.
 */
@Injectable()
export class HttpClient implements HttpFetcher {
  /**
   * Sends a request and resolves once the final answer's head is in; the body streams.
   * Redirects as `options.redirects` says (none by default); a 303 (or a 301/302 to a POST)
   * continues as a GET without body.
   * @throws UrlNotAllowedError (a refused address, or an invalid URL); HttpRequestError
   *   `redirects` (`too many redirects (more than N) from <host>`), `too_large` (a 2xx answer's
   *   Content-Length over `maxBytes`), `timeout`, `network`; the caller's abort reason
   */
  async request(url: string | URL, options: RequestOptions = {}): Promise<HttpResponse> {
    let first: URL;
    try {
      first = new URL(url);
    } catch {
      throw new UrlNotAllowedError(`${String(url)} is not a valid URL`);
    }
    const exchange = new Exchange(options);
    const policy = options.redirects ?? { follow: 'none' };
    const allowedHosts = options.privateAddresses === 'allow' ? null : (options.allowedHosts ?? new Set<string>());
    const limit: SizeLimit | undefined =
      options.maxBytes === undefined ? undefined : { maxBytes: options.maxBytes, setting: options.maxBytesSetting };
    const headers = baseHeaders(options.headers);
    const cookies: string[] = [];
    let method: string = options.method ?? 'GET';
    let body = options.body;
    let current = first;
    for (let redirects = 0; ; redirects++) {
      let response: IncomingMessage;
      try {
        response = await send(current, {
          method,
          headers: hopHeaders(headers, first, current, body),
          body,
          signal: exchange.signal,
          proxy: options.proxy,
          allowedHosts,
          idleTimeoutMs: options.idleTimeoutMs,
          onIdle: exchange.idleExpired,
        });
      } catch (error) {
        throw exchange.explain(error, current);
      }
      cookies.push(...setCookiePairs(response.headers));
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location && policy.follow !== 'none') {
        const next = URL.parse(location, current.href);
        const handBack =
          policy.follow === 'same-origin' && (next?.origin !== current.origin || redirects >= policy.max);
        if (!handBack) {
          response.resume();
          if (!next)
            throw exchange.explain(
              Object.assign(new Error(`invalid redirect location ${location}`), { code: 'ERR_INVALID_URL' }),
              current,
            );
          if (redirects >= policy.max)
            throw new HttpRequestError(
              'redirects',
              `too many redirects (more than ${policy.max}) from ${current.host}`,
              false,
              { url: current },
            );
          if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
          }
          current = next;
          continue;
        }
      }
      if (limit && isSuccess(status)) checkDeclaredSize(response, current, limit);
      return {
        url: current,
        status,
        headers: response.headers,
        cookies,
        body: limitedBody(response, current, exchange, limit),
      };
    }
  }

  /**
   * Downloads a URL to `path` (created or truncated), following up to `maxRedirects` redirects.
   * A partial file is removed on failure.
   * @returns the suggested file name (Content-Disposition, else the URL path) and the size in bytes
   * @throws HttpRequestError (code `download_failed`); retryable for timeouts, network errors and
   *   HTTP 408, 429 and 5xx (`HTTP 404 from <host>`); not for other statuses, `too large: …`,
   *   `too many redirects (more than N) from <host>` and refused addresses (failure `refused`,
   *   the guard's message: `<host> is not a public address …`); or the caller's
   *   abort reason
   */
  async download(url: string | URL, path: string, options: DownloadOptions): Promise<DownloadResult> {
    const { maxRedirects, onProgress, ...rest } = options;
    let at: URL | undefined;
    try {
      const response = await this.request(url, { ...rest, redirects: { follow: 'any', max: maxRedirects } });
      at = response.url;
      if (!isSuccess(response.status)) {
        response.body.resume();
        throw new HttpRequestError(
          'status',
          `HTTP ${response.status} from ${at.host}`,
          isRetryableStatus(response.status),
          { url: at, status: response.status },
        );
      }
      const total = Number(response.headers['content-length']) || null;
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          onProgress?.(bytes, total);
          callback(null, chunk);
        },
      });
      await pipeline(response.body, counter, createWriteStream(path));
      return { fileName: suggestedFileName(response.headers, at), bytes };
    } catch (error) {
      await rm(path, { force: true });
      if (error instanceof UrlNotAllowedError)
        throw new HttpRequestError('refused', error.message, false, { url: at, cause: error });
      if (error instanceof HarkError || options.signal?.aborted || !at) throw error;
      // The file could not be written.
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new HttpRequestError('network', `network error from ${at.host}: ${reason}`, true, {
        url: at,
        reason,
        cause: error,
      });
    }
  }

  /**
   * GETs a page or JSON and reads the body as UTF-8 text (limit it with `maxBytes`). Error
   * statuses are answers, not errors.
   * @returns the final URL, status, headers, text and the cookies set along the redirects
   * @throws like `request`; HttpRequestError `too_large` when the body passes `maxBytes`
   */
  async getText(url: string | URL, options: TextOptions = {}): Promise<TextResponse> {
    const { body, ...response } = await this.request(url, options);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return { ...response, body: Buffer.concat(chunks).toString('utf8') };
  }

  /**
   * POSTs a JSON body (Content-Type `application/json`; `headers` are added) without following
   * redirects, and returns the answer's status (the body is discarded).
   * @throws UrlNotAllowedError (the guard's message); HttpRequestError (retryable) with the message
   *   `no answer within N ms` for a timeout, else the network error's code (`ECONNREFUSED`);
   *   the caller's abort reason
   */
  async postJson(
    url: string | URL,
    body: string,
    headers: Record<string, string>,
    options: PostJsonOptions,
  ): Promise<number> {
    try {
      const response = await this.request(url, {
        ...options,
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
      response.body.resume();
      return response.status;
    } catch (error) {
      if (!(error instanceof HttpRequestError)) throw error;
      const message = error.failure === 'timeout' ? `no answer within ${options.timeoutMs} ms` : error.reason;
      throw new HttpRequestError(error.failure, message, true, { url: error.url, reason: error.reason, cause: error });
    }
  }
}
