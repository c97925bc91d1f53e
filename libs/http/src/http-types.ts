import type { Agent, IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * Which redirects are followed: `none` (3xx answers are handed back); `same-origin`, up to `max`
 * (a redirect to another origin, or past `max`, is handed back for the caller to read); `any`,
 * up to `max` (one more is an error).
 */
export type RedirectPolicy =
  { follow: 'none' } | { follow: 'same-origin'; max: number } | { follow: 'any'; max: number };

/** The private-address guard of a request. */
export interface GuardOptions {
  /**
   * `refuse` (the default): loopback, private, link-local (cloud metadata), CGNAT, multicast,
   * reserved and unspecified addresses are refused on every hop, whether reached through a host
   * name or an IP literal. `allow`: no guard, for operator-configured URLs (the model mirror,
   * platform base URLs). Requests through a proxy are never guarded: the proxy resolves and connects.
   */
  privateAddresses?: 'refuse' | 'allow';
  /** Hosts exempt from the guard, lower case (ALLOWED_URL_HOSTS). */
  allowedHosts?: ReadonlySet<string>;
}

/** Time and size limits of a request; all optional. */
export interface LimitOptions {
  /** Time limit of the whole exchange (every hop and the body), in ms; none by default. */
  timeoutMs?: number;
  /** Longest time without data on the connection, in ms; none by default. */
  idleTimeoutMs?: number;
  /** Cancels the request; its `reason` is thrown. */
  signal?: AbortSignal;
  /** Largest body read, in bytes: checked against Content-Length up front and while streaming. */
  maxBytes?: number;
  /** The setting `maxBytes` comes from, named in too-large messages, e.g. `MAX_UPLOAD_BYTES`. */
  maxBytesSetting?: string;
}

/** Everything one request may say. */
export interface RequestOptions extends GuardOptions, LimitOptions {
  /** `GET` by default. */
  method?: 'GET' | 'POST';
  /** Request headers; names in any case. `cookie` and `authorization` go to the first request's origin only. */
  headers?: Record<string, string>;
  /** The request body; Content-Length is set from it. */
  body?: string | Buffer;
  /** `{ follow: 'none' }` by default. */
  redirects?: RedirectPolicy;
  /** A proxy agent (`proxyAgent(url)`); without one, connections are direct (and guarded). */
  proxy?: Agent;
}

/** An answer, head read, body streaming. */
export interface HttpResponse {
  /** The URL that answered (after the redirects followed). */
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  /** `name=value` of every cookie set along the way (every hop), for later requests. */
  cookies: string[];
  /** The body, limited to `maxBytes`; read it, or `resume()` / `destroy()` it. */
  body: Readable;
}

/** An answer with its body read as UTF-8 text. */
export interface TextResponse extends Omit<HttpResponse, 'body'> {
  body: string;
}

/** Options of `download`. */
export interface DownloadOptions extends GuardOptions, LimitOptions {
  /** Redirects followed (any origin); one more fails the download. */
  maxRedirects: number;
  headers?: Record<string, string>;
  proxy?: Agent;
  /** Called after every chunk written with the bytes so far and the Content-Length (null without one). */
  onProgress?: (received: number, total: number | null) => void;
}

/** A finished download. */
export interface DownloadResult {
  /** The name the server suggests: Content-Disposition's filename, else the URL path's last segment. */
  fileName: string;
  /** Bytes written. */
  bytes: number;
}

/** Options of `getText`. */
export type TextOptions = Omit<RequestOptions, 'method' | 'body'>;

/** Options of `postJson`. */
export interface PostJsonOptions extends GuardOptions {
  /** Time limit of the request, in ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  proxy?: Agent;
}

/**
 * What callers use of `HttpClient`. A unit test can give a service any object of this shape in
 * its place (`HttpClient` has no private members, so such an object is assignable to it).
 */
export interface HttpFetcher {
  request(url: string | URL, options?: RequestOptions): Promise<HttpResponse>;
  download(url: string | URL, path: string, options: DownloadOptions): Promise<DownloadResult>;
  getText(url: string | URL, options?: TextOptions): Promise<TextResponse>;
  postJson(url: string | URL, body: string, headers: Record<string, string>, options: PostJsonOptions): Promise<number>;
}
