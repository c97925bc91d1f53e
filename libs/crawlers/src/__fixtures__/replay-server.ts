import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';

interface RecordedResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  /** A file under __fixtures__, or an inline `body`. */
  bodyFile?: string;
  body?: string;
}

interface Exchange {
  platform: string;
  path: string;
  /** Query parameters the request must carry (others are ignored). */
  query?: Record<string, string>;
  responses?: RecordedResponse[];
  /** Serve the test clip, if the request carries these headers (substring match); else 403. */
  media?: { requireHeaders: Record<string, string> };
}

/** One request the server saw. */
export interface ReplayedRequest {
  method: string;
  path: string;
  url: string;
  headers: IncomingHttpHeaders;
  status: number;
}

/**
 * Stands in for TikTok, Douyin and their CDNs on 127.0.0.1: replays `exchanges.json` (see its
 * `about`), serving `mediaFile` as the video. Every request is recorded with the status it got.
 */
export class PlatformReplayServer {
  readonly requests: ReplayedRequest[] = [];
  baseUrl = '';
  private readonly exchanges: Exchange[];
  private readonly served = new Map<Exchange, number>();
  private server?: Server;

  constructor(private readonly mediaFile: string) {
    this.exchanges = (
      JSON.parse(readFileSync(join(__dirname, 'exchanges.json'), 'utf8')) as { exchanges: Exchange[] }
    ).exchanges;
  }

  async start(): Promise<this> {
    const media = readFileSync(this.mediaFile);
    this.server = createServer((request, response) => {
      const url = new URL(request.url!, 'http://127.0.0.1');
      const exchange = this.exchanges.find(
        (e) =>
          e.path === url.pathname &&
          Object.entries(e.query ?? {}).every(([key, value]) => url.searchParams.get(key) === value),
      );
      const reply = (
        status: number,
        headers: Record<string, string | string[] | number> = {},
        body: string | Buffer = '',
      ) => {
        this.requests.push({
          method: request.method!,
          path: url.pathname,
          url: request.url!,
          headers: request.headers,
          status,
        });
        response.writeHead(status, headers).end(body);
      };
      if (!exchange) return reply(404, { 'content-type': 'text/plain' }, 'no such recorded exchange');
      if (exchange.media) {
        const missing = Object.entries(exchange.media.requireHeaders).filter(
          ([name, value]) => !String(request.headers[name] ?? '').includes(this.fill(value)),
        );
        if (missing.length)
          return reply(
            403,
            { 'content-type': 'text/plain' },
            `Forbidden: missing ${missing.map(([name]) => name).join(', ')}`,
          );
        return reply(200, { 'content-type': 'video/mp4', 'content-length': media.length }, media);
      }
      const count = this.served.get(exchange) ?? 0;
      this.served.set(exchange, count + 1);
      const recorded = exchange.responses![Math.min(count, exchange.responses!.length - 1)];
      const headers = Object.fromEntries(
        Object.entries(recorded.headers ?? {}).map(([name, value]) => [
          name,
          Array.isArray(value) ? value : this.fill(value),
        ]),
      );
      const body = recorded.bodyFile
        ? this.fill(readFileSync(join(__dirname, recorded.bodyFile), 'utf8'))
        : (recorded.body ?? '');
      reply(recorded.status, headers, body);
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  /** Requests whose path starts with `prefix`. */
  hits(prefix: string): ReplayedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  /** Forgets the requests and restarts every response sequence. */
  reset(): void {
    this.requests.length = 0;
    this.served.clear();
  }

  stop(): Promise<void> {
    return new Promise((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  private fill(text: string): string {
    return text.replaceAll('{{origin}}', this.baseUrl);
  }
}
