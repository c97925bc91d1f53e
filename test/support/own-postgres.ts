import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

/** The newest PostgreSQL server binaries on this machine (Debian's layout), or those on PATH. */
function pgBin(tool: string): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  return version ? join(root, version, 'bin', tool) : tool;
}

/**
 * A PostgreSQL server of a test's own (initdb + pg_ctl in a temporary folder, trust auth, on a
 * free port of 127.0.0.1), so the test can stop it and start it again. As root the server runs
 * as the `postgres` user (PostgreSQL refuses to run as root).
 */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** Creates a cluster, starts it and creates the database `hark`. */
  static async start(): Promise<OwnPostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'hark-pg-'));
    await chmod(dir, 0o700);
    const server = new OwnPostgres(await freePort(), dir);
    if (userInfo().uid === 0) {
      const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
      const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
      await chown(dir, Number(ids), Number(gid));
    }
    await server.run(pgBin('initdb'), [
      '-D',
      server.data,
      '--auth=trust',
      '--username=postgres',
      '--encoding=UTF8',
      '--no-sync',
    ]);
    await server.startServer();
    await server.run(pgBin('createdb'), ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', 'hark']);
    return server;
  }

  /** URL of the `hark` database. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/hark`;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  /** Starts the server (again) and waits until it accepts connections. */
  async startServer(): Promise<void> {
    await this.run(pgBin('pg_ctl'), [
      '-D',
      this.data,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off`,
      'start',
    ]);
  }

  /** Stops the server at once (`immediate`: like a crash; connections are cut). */
  async stopServer(): Promise<void> {
    await this.run(pgBin('pg_ctl'), ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
  }

  /** Stops the server and removes its files. */
  async destroy(): Promise<void> {
    try {
      await this.run(pgBin('pg_ctl'), ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Runs a server tool (as `postgres` when the test runs as root), without blocking the event loop. */
  private async run(tool: string, args: string[]): Promise<void> {
    const asPostgres = userInfo().uid === 0;
    await promisify(execFile)(
      asPostgres ? 'runuser' : tool,
      asPostgres ? ['-u', 'postgres', '--', tool, ...args] : args,
    );
  }
}
