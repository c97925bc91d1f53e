import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { transcriptionQueue } from '../../libs/tasks/src/queue.contract';
import { type JobState, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './database';
import { freePort } from './ports';
import { testModel, testModelsDir, testRedisUrl } from './env';
import { waitFor } from './wait';

const ROOT = resolve(__dirname, '../..');

/** A built app (`npm run build`) running as a child process, as in production. */
export class AppProcess {
  private output = '';
  private exited: Promise<number | string | null>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const collect = (data: Buffer) => (this.output += data.toString());
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  }

  get log(): string {
    return this.output;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Base URL of a processor's health endpoints, from its "health on port N" log line. */
  get healthUrl(): string {
    const port = /health on port (\d+)/.exec(this.output)?.[1];
    if (!port) throw new Error(`${this.name} has not logged its health port`);
    return `http://127.0.0.1:${port}`;
  }

  /** Resolves when a log line matches; rejects with the log if the process exits first or time runs out. */
  async waitForLog(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      () => {
        if (pattern.test(this.output)) return true;
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          throw new Error(
            `${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}:\n${this.output}`,
          );
        }
        return false;
      },
      { what: () => `${pattern} in the log of ${this.name}:\n${this.output}`, timeoutMs },
    );
  }

  /** Resolves with the exit code (or the signal that ended it) once the process has ended. */
  exitCode(): Promise<number | string | null> {
    return this.exited;
  }

  /** Sends a signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

/**
 * An isolated Hark deployment for one test file: its own Postgres database, Redis key prefix,
 * storage folder and api port, sharing the machine's real Postgres, Redis, ffmpeg and models.
 */
export class TestStack {
  readonly processes: AppProcess[] = [];
  private readonly queues = new Map<string, Queue>();

  private constructor(
    readonly env: Record<string, string>,
    readonly baseUrl: string,
    private readonly database: TestDatabase,
  ) {}

  /** Creates the database and folders; starts nothing. `overrides` are extra environment variables. */
  static async create(overrides: Record<string, string> = {}): Promise<TestStack> {
    const database = await createTestDatabase();
    const id = database.name.replace('hark_test_', '');
    const port = await freePort();
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: `hark-test-${id}`,
      STORAGE_DIR: await mkdtemp(join(tmpdir(), 'hark-storage-')),
      MODELS_DIR: testModelsDir(),
      ASR_MODEL: testModel(),
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      NO_COLOR: '1',
      ...overrides,
    };
    return new TestStack(env, `http://127.0.0.1:${port}`, database);
  }

  /** `create()`, then an api and one processor, both ready. */
  static async running(overrides: Record<string, string> = {}): Promise<TestStack> {
    const stack = await TestStack.create(overrides);
    await stack.startApi();
    await stack.startProcessor();
    return stack;
  }

  /** Starts the api and waits until it listens. */
  async startApi(extraEnv: Record<string, string> = {}): Promise<AppProcess> {
    const app = this.spawn('api', 'dist/apps/api/src/main.js', extraEnv);
    await app.waitForLog(/API listening/);
    return app;
  }

  /** Starts a processor (health probes on a free port) and waits until its model is loaded and it consumes jobs. */
  async startProcessor(extraEnv: Record<string, string> = {}): Promise<AppProcess> {
    const app = this.spawnProcessor(extraEnv);
    await app.waitForLog(/Processor ready/);
    return app;
  }

  /** Starts a processor without waiting for it (one that is expected to fail, say). */
  spawnProcessor(extraEnv: Record<string, string> = {}): AppProcess {
    return this.spawn('processor', 'dist/apps/processor/src/main.js', { PROCESSOR_HEALTH_PORT: '0', ...extraEnv });
  }

  /** Runs a SQL query against this stack's database. */
  async sql<T extends Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.env.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(query, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Deletes every Redis key of this stack's queues, as a Redis restart without persistence would. */
  async flushRedis(): Promise<number> {
    const redis = new Redis(this.env.REDIS_URL);
    try {
      const keys = await redis.keys(`${this.env.QUEUE_PREFIX}:*`);
      if (keys.length) await redis.del(...keys);
      return keys.length;
    } finally {
      redis.disconnect();
    }
  }

  /**
   * States of the BullMQ jobs of one task in one of this stack's queues (the kinds of
   * libs/tasks/src/queue.contract.ts; `transcription`: the queue of the task's model, at most one
   * job, its id is the task id; `callbacks`: one per delivery), oldest first.
   */
  async jobStates(kind: 'transcription' | 'callbacks', taskId: string): Promise<(JobState | 'unknown')[]> {
    const queueName = kind === 'callbacks' ? kind : transcriptionQueue(await this.taskModel(taskId));
    let queue = this.queues.get(queueName);
    if (!queue)
      this.queues.set(
        queueName,
        (queue = new Queue(queueName, { connection: { url: this.env.REDIS_URL }, prefix: this.env.QUEUE_PREFIX })),
      );
    const jobs = (
      await queue.getJobs(['active', 'waiting', 'prioritized', 'delayed', 'waiting-children', 'completed', 'failed'])
    ).filter((job) => job.data?.taskId === taskId);
    jobs.sort((a, b) => a.timestamp - b.timestamp);
    return Promise.all(jobs.map((job) => job.getState()));
  }

  /** The model a task runs on (its `model`; the stack's ASR_MODEL for a task without one, or one that is gone). */
  async taskModel(taskId: string): Promise<string> {
    const [row] = await this.sql<{ model: string | null }>('SELECT model FROM tasks WHERE id = $1', [taskId]);
    return row?.model ?? this.env.ASR_MODEL;
  }

  /** Files stored under STORAGE_DIR/uploads. */
  async storedUploads(): Promise<string[]> {
    return readdir(join(this.env.STORAGE_DIR, 'uploads')).catch(() => []);
  }

  /** Stops every process and removes the database, the Redis keys and the storage folder. */
  async destroy(): Promise<void> {
    await Promise.all(this.processes.map((app) => app.stop('SIGKILL')));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.flushRedis();
    await this.database.drop();
    await rm(this.env.STORAGE_DIR, { recursive: true, force: true });
  }

  private spawn(name: string, script: string, extraEnv: Record<string, string>): AppProcess {
    const child = spawn(process.execPath, [join(ROOT, script)], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(name, child);
    this.processes.push(app);
    return app;
  }
}
