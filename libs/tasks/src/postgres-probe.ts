import { Client, type ClientConfig } from 'pg';
import { answers } from './answers';

/**
 * Pings Postgres over one connection of its own, outside TypeORM's pool, so that a pool whose
 * connections are all in use (a busy server) is never taken for a Postgres that does not answer.
 * The connection is opened at the first ping, and opened again after a ping that fails or times
 * out (a hung connection is dropped, not queued behind).
 */
export class PostgresProbe {
  private client?: Promise<Client>;

  /**
   * @param config how to connect (the DataSource's URL or host, port, user, password, database, ssl)
   * @param timeoutMs how long connecting plus `SELECT 1` may take, in ms
   */
  constructor(
    private readonly config: ClientConfig,
    private readonly timeoutMs: number,
  ) {}

  /** Whether Postgres answers `SELECT 1` within the time limit. Never throws. */
  async answers(): Promise<boolean> {
    const client = (this.client ??= this.connect());
    const ok = await answers(
      client.then((connected) => connected.query('SELECT 1')),
      this.timeoutMs,
    );
    if (!ok) this.drop(client);
    return ok;
  }

  /** Closes the connection, if one is open. */
  close(): void {
    if (this.client) this.drop(this.client);
  }

  private connect(): Promise<Client> {
    const client = new Client({ ...this.config, connectionTimeoutMillis: this.timeoutMs });
    const connecting = client.connect().then(() => client);
    // A connection that dies while idle (Postgres restarted) is replaced at the next ping.
    client.on('error', () => this.drop(connecting));
    return connecting;
  }

  private drop(client: Promise<Client>): void {
    if (this.client === client) this.client = undefined;
    client.then((connected) => connected.end()).catch(() => undefined);
  }
}
