import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './ports';
import { waitFor } from './wait';

/** A Redis of a test's own (no persistence), so the test can kill it and start it again, empty. */
export class OwnRedis {
  private process?: ChildProcess;

  private constructor(readonly port: number) {}

  /** Starts a Redis on a free port and waits until it answers PING. */
  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server on the same port, empty. */
  async start(): Promise<void> {
    const server = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.process = server;
    await waitFor(
      () => {
        if (server.exitCode !== null || server.signalCode !== null)
          throw new Error(`redis-server on port ${this.port} exited (${server.exitCode ?? server.signalCode})`);
        return this.ping();
      },
      { what: `redis-server on port ${this.port} to answer PING` },
    );
  }

  /** Kills the server (SIGKILL: its data is gone). */
  async stop(): Promise<void> {
    const server = this.process;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((done) => server.once('exit', done));
    server.kill('SIGKILL');
    await exited;
  }

  /** Whether the server answers PING with PONG. */
  private ping(): Promise<boolean> {
    return new Promise((done) => {
      const socket = connect(this.port, '127.0.0.1');
      let reply = '';
      const end = (ok: boolean) => {
        socket.destroy();
        done(ok);
      };
      socket.setTimeout(1000, () => end(false));
      socket.on('error', () => end(false));
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data) => {
        reply += data.toString();
        if (reply.includes('\r\n')) end(reply.startsWith('+PONG'));
      });
    });
  }
}
