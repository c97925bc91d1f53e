import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';

/** An HTTP CONNECT proxy on 127.0.0.1 that records each tunnel's `host:port` (a stand-in for an operator's proxy). */
export class ConnectProxy {
  readonly tunnels: string[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((_request, response) => response.writeHead(405).end());
    this.server.on('connect', (request, client, head) => {
      this.tunnels.push(request.url!);
      const [host, port] = request.url!.split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  }

  /** Listens on a free port; returns the proxy URL. */
  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((done) => this.server.close(done));
  }
}
