import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import contentDisposition from 'content-disposition';
import { guardedLookup, UrlNotAllowedError } from './url-guard';

/** Why a download failed. `retryable` says whether trying again later may succeed. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface FetchLimits {
  /** Hosts exempt from the private-address guard. */
  allowedHosts: ReadonlySet<string>;
  timeoutMs: number;
}

/**
 * One request; resolves with the response head (body unread). Direct connections go through the
 * address guard; with a proxy `agent` the proxy resolves and connects.
 */
function send(url: URL, method: string, limits: FetchLimits, signal: AbortSignal, headers: Record<string, string> = {}, body?: string, agent?: http.Agent): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method, headers, signal, ...(agent ? { agent } : { lookup: guardedLookup(limits.allowedHosts) }) }, resolve);
    request.on('error', reject);
    request.end(body);
  });
}


/** Options of `downloadToFile` besides the limits. */
export interface DownloadOptions extends FetchLimits {
  maxBytes: number;
  maxRedirects: number;
  signal?: AbortSignal;
  /** Request headers (e.g. the User-Agent, Referer and cookies a platform's CDN wants); `cookie` is dropped on a redirect to another origin. */
  headers?: Record<string, string>;
  /** An HTTP(S) proxy agent; without one, connections are direct and guarded. */
  agent?: http.Agent;
}

/**
 * Downloads a media URL to `path`, following up to `maxRedirects` redirects, each hop checked
 * by the address guard. Stops at `maxBytes`. Partial files are removed on failure.
 * @returns the file name the server suggests (Content-Disposition, else the URL path) and the size
 * @throws DownloadError: `HTTP 404 from host` (retryable only for 408, 429 and 5xx), `too large`,
 *   timeouts and network errors (retryable), refused addresses and too many redirects (not)
 */
export async function downloadToFile(url: string, path: string, options: DownloadOptions): Promise<{ fileName: string; bytes: number }> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const first = new URL(url);
  let current = first;
  try {
    for (let redirects = 0; ; redirects++) {
      const { cookie, ...withoutCookie }: Record<string, string> = { 'user-agent': 'Hark/1 (speech-to-text)', ...options.headers };
      const headers = current.origin === first.origin && cookie ? { ...withoutCookie, cookie } : withoutCookie;
      const response = await send(current, 'GET', options, signal, headers, undefined, options.agent);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= options.maxRedirects) throw new DownloadError(`too many redirects (more than ${options.maxRedirects}) from ${current.host}`, false);
        current = new URL(response.headers.location, current);
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw new DownloadError(`HTTP ${status} from ${current.host}`, status === 408 || status === 429 || status >= 500);
      }
      const declared = Number(response.headers['content-length']);
      if (declared > options.maxBytes) {
        response.destroy();
        throw new DownloadError(`too large: ${declared} bytes, the limit is ${options.maxBytes} (MAX_UPLOAD_BYTES)`, false);
      }
      let bytes = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          callback(bytes > options.maxBytes ? new DownloadError(`too large: more than ${options.maxBytes} bytes (MAX_UPLOAD_BYTES)`, false) : null, chunk);
        },
      });
      await pipeline(response, limit, createWriteStream(path));
      return { fileName: suggestedName(response, current), bytes };
    }
  } catch (error) {
    await rm(path, { force: true });
    if (error instanceof DownloadError) throw error;
    if (error instanceof UrlNotAllowedError) throw new DownloadError(error.message, false);
    if (timeout.aborted) throw new DownloadError(`timed out after ${options.timeoutMs} ms downloading from ${current.host}`, true);
    if (options.signal?.aborted) throw options.signal.reason;
    throw new DownloadError(`network error from ${current.host}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, true);
  }
}

function suggestedName(response: IncomingMessage, url: URL): string {
  const header = response.headers['content-disposition'];
  if (header) {
    try {
      const name = contentDisposition.parse(header).parameters.filename;
      if (name) return basename(name);
    } catch {
      // malformed header: fall back to the URL
    }
  }
  return decodeURIComponent(basename(url.pathname)) || url.hostname;
}

/**
 * POSTs a JSON body through the address guard (no redirects followed) and returns the status.
 * @throws the network error, refused address or timeout (as an Error with a readable message)
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, limits: FetchLimits): Promise<number> {
  const response = await send(new URL(url), 'POST', limits, AbortSignal.timeout(limits.timeoutMs), { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers }, body).catch(
    (error: Error) => {
      throw new Error(error.name === 'TimeoutError' || error.name === 'AbortError' ? `no answer within ${limits.timeoutMs} ms` : ((error as NodeJS.ErrnoException).code ?? error.message));
    },
  );
  response.resume();
  return response.statusCode ?? 0;
}
