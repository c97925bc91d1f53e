import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/**
 * A real HTTP server on 127.0.0.1 for what lies outside Hark (media hosts, callback receivers):
 * routes by path, records every request with its body.
 */
export class FixtureServer {
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string; at: number }[] =
    [];
  private readonly routes = new Map<string, Handler>();
  private server?: Server;
  baseUrl = '';

  route(path: string, handler: Handler): this {
    this.routes.set(path, handler);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        this.requests.push({
          method: request.method!,
          url: request.url!,
          headers: request.headers,
          body,
          at: Date.now(),
        });
        const handler = this.routes.get(new URL(request.url!, 'http://x').pathname);
        if (handler) handler(request, body, response);
        else response.writeHead(404).end('Not Found');
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}
