import { answers } from './answers';
import { HarkError } from '@app/errors';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ClientConfig } from 'pg';
import { PostgresProbe } from './postgres-probe';
import { TaskQueue } from './task-queue';

/** The services Hark cannot work without. */
export type Dependency = 'postgres' | 'redis';
const DEPENDENCIES: readonly Dependency[] = ['postgres', 'redis'];

/** Display names, for messages. */
export const DEPENDENCY_NAMES: Readonly<Record<Dependency, string>> = { postgres: 'Postgres', redis: 'Redis' };

/** The connection fields of TypeORM's Postgres options (PostgresConnectionOptions is not exported). */
interface PostgresOptions {
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: unknown;
  database?: string;
  ssl?: ClientConfig['ssl'];
}

/** How often each dependency is pinged, and how long a ping may take, in ms. */
const CHECK_INTERVAL_MS = 1000;
const PING_TIMEOUT_MS = 1000;

/**
 * Knows, within about a second, whether Postgres and Redis answer: pings each every second
 * (`SELECT 1` over a connection of its own, outside the pool, so that a busy pool is not an
 * outage; a cheap queue read), logs each outage once when it starts and once when it ends,
 * and tells listeners. The processor stops taking jobs while one is down and its jobs wait for
 * them; the api answers 503 at once on routes that need one that is down.
 */
@Injectable()
export class DependencyMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DependencyMonitor.name);
  private readonly downSince = new Map<Dependency, number>();
  private readonly listeners: ((down: readonly Dependency[]) => void)[] = [];
  private timer?: NodeJS.Timeout;
  private readonly postgres: PostgresProbe;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly queue: TaskQueue,
  ) {
    const { url, host, port, username, password, database, ssl } = dataSource.options as PostgresOptions;
    this.postgres = new PostgresProbe(
      { connectionString: url, host, port, user: username, password: password as string | undefined, database, ssl },
      PING_TIMEOUT_MS,
    );
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.postgres.close();
  }

  /** The dependencies that did not answer their last ping. */
  down(): Dependency[] {
    return DEPENDENCIES.filter((dependency) => this.downSince.has(dependency));
  }

  /** Calls `listener` with the dependencies down whenever that list changes. */
  onChange(listener: (down: readonly Dependency[]) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Throws 503 (`dependency_unavailable`) naming the first of `needed` that is down.
   * @throws HarkError `dependency_unavailable`
   */
  assertUp(needed: readonly Dependency[]): void {
    const down = needed.find((dependency) => this.downSince.has(dependency));
    if (down) throw unavailable(down);
  }

  /**
   * Waits until every dependency answers, checking at once and then every second.
   * @returns true when they all answer, false when `deadline` (epoch ms) passes first
   * @throws the signal's reason when it aborts
   */
  async waitUntilUp(deadline: number, signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      signal?.throwIfAborted();
      await this.check();
      if (this.downSince.size === 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((done) => setTimeout(done, Math.min(CHECK_INTERVAL_MS, Math.max(0, deadline - Date.now()))));
    }
  }

  /** Whether a dependency answers a ping (`SELECT 1` outside the pool; a cheap queue read) within a second. */
  ping(dependency: Dependency): Promise<boolean> {
    return dependency === 'postgres' ? this.postgres.answers() : answers(this.queue.ping(), PING_TIMEOUT_MS);
  }

  /** Pings both dependencies once and updates the state. */
  async check(): Promise<void> {
    const [postgres, redis] = await Promise.all([this.ping('postgres'), this.ping('redis')]);
    const before = this.down().join();
    this.update('postgres', postgres);
    this.update('redis', redis);
    const down = this.down();
    if (down.join() !== before) for (const listener of this.listeners) listener(down);
  }

  private update(dependency: Dependency, up: boolean): void {
    const since = this.downSince.get(dependency);
    if (up && since !== undefined) {
      this.downSince.delete(dependency);
      this.logger.log(
        `${DEPENDENCY_NAMES[dependency]} answers again (down for ${Math.round((Date.now() - since) / 1000)} s)`,
      );
    } else if (!up && since === undefined) {
      this.downSince.set(dependency, Date.now());
      this.logger.warn(`${DEPENDENCY_NAMES[dependency]} does not answer`);
    }
  }
}

/** The api's answer while a dependency is down. */
export function unavailable(dependency: Dependency): HarkError {
  return new HarkError(
    'dependency_unavailable',
    `${DEPENDENCY_NAMES[dependency]} is unreachable right now; retry in a few seconds.`,
    true,
  );
}

/**
 * The api's answer when Postgres answers but cannot serve a query now (`databaseBusyReason`): a
 * full pool, a statement timeout, no connection slot. 503 like an outage (the client retries), but
 * it says what happened.
 * @param reason what `databaseBusyReason` found, e.g. "every connection of this server's pool is in use"
 */
export function busy(reason: string): HarkError {
  return new HarkError('dependency_unavailable', `The database is busy: ${reason}. Retry in a few seconds.`, true);
}

/**
 * Which dependency a connection error (`isConnectionError`) came from: ioredis says so in its
 * messages (a closed connection, a full offline queue, exhausted retries); anything else is the
 * database's driver.
 */
export function dependencyOf(error: unknown): Dependency {
  const message = error instanceof Error ? error.message : String(error);
  return /Connection is closed|Stream isn't writeable|max retries per request|redis/i.test(message)
    ? 'redis'
    : 'postgres';
}
