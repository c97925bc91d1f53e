/**
 * `npm run drill` — a fault drill (prints a table; asserts nothing). Not a test.
 *
 * Runs an api and 3 processors on a Postgres and a Redis of its own, submits 200 tasks with a
 * callback each, and meanwhile: SIGKILLs a processor every 15 s (and starts a new one), stops
 * Postgres for 30 s, and restarts Redis empty. Clients retry refused submissions with the same
 * `Idempotency-Key`, as a well-behaved client would. At the end it prints submitted / completed /
 * failed / lost / duplicated results / duplicated callbacks, and how long each recovery took.
 * Models from MODELS_DIR / ASR_MODEL (use a test double: the drill is about the job system).
 */
import { randomUUID } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { audioPath } from '../test/support/env';
import { FixtureServer } from '../test/support/fixture-server';
import { OwnPostgres } from '../test/support/own-postgres';
import { OwnRedis } from '../test/support/own-redis';
import { type AppProcess, TestStack } from '../test/support/stack';

const TASKS = Number(process.env.DRILL_TASKS ?? 200);
const KILL_EVERY_MS = 15_000;
const POSTGRES_OUTAGE_MS = 30_000;
const FILES = ['jfk.wav', 'zh-funasr-0.wav', 'en-librispeech-1089-134686-0001.wav'];
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const since = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const postgres = await OwnPostgres.start();
  const redis = await OwnRedis.start();
  const receiver = new FixtureServer();
  const callbacks = new Map<string, { task: string; count: number }>();
  await receiver
    .route('/hook', (req, body, res) => {
      const id = String(req.headers['x-hark-delivery-id']);
      const seen = callbacks.get(id) ?? { task: (JSON.parse(body) as { id: string }).id, count: 0 };
      seen.count++;
      callbacks.set(id, seen);
      res.writeHead(200).end();
    })
    .start();
  const stack = await TestStack.create({
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    CALLBACK_SECRET: 'drill',
    ALLOWED_URL_HOSTS: '127.0.0.1',
    CALLBACK_BACKOFF_MS: '1000',
    JOB_LOCK_MS: '5000',
    JOB_STALLED_INTERVAL_MS: '3000',
    RECONCILE_INTERVAL_MS: '2000',
  });
  const started = Date.now();
  const events: string[] = [];
  const log = (line: string) => {
    events.push(`${since(started).padStart(8)}  ${line}`);
    process.stderr.write(`[drill ${since(started)}] ${line}\n`);
  };
  try {
    await stack.startApi();
    const processors: AppProcess[] = [];
    for (let i = 0; i < 3; i++) processors.push(await stack.startProcessor());

    // Submissions: one client per task, retrying with the same Idempotency-Key until accepted.
    const accepted = new Map<string, string>();
    let refused = 0;
    const submit = async (n: number) => {
      const key = randomUUID();
      const file = audioPath(FILES[n % FILES.length]);
      for (;;) {
        const form = new FormData();
        form.append('callback_url', `${receiver.baseUrl}/hook`);
        form.append('file', await openAsBlob(file), basename(file));
        const response = await fetch(`${stack.baseUrl}/api/v1/tasks`, {
          method: 'POST',
          body: form,
          headers: { 'idempotency-key': key },
        }).catch(() => null);
        if (response?.status === 201 || response?.status === 200) {
          accepted.set(key, ((await response.json()) as { id: string }).id);
          return;
        }
        refused++;
        await sleep(1000);
      }
    };
    const submitting = (async () => {
      for (let n = 0; n < TASKS; n += 5) {
        await Promise.all(Array.from({ length: Math.min(5, TASKS - n) }, (_, i) => submit(n + i)));
        await sleep(400);
      }
    })();

    let faults = true;
    const killing = (async () => {
      while (faults) {
        await sleep(KILL_EVERY_MS);
        if (!faults) break;
        const victim = processors.shift()!;
        await victim.stop('SIGKILL');
        log(`processor ${victim.pid} SIGKILLed`);
        processors.push(await stack.startProcessor());
      }
    })();

    const completedCount = async () => {
      const response = await fetch(`${stack.baseUrl}/api/v1/tasks?status=completed&limit=1`).catch(() => null);
      return response?.ok ? ((await response.json()) as { total: number }).total : null;
    };
    /** Seconds from `from` until the count of completed tasks grows past `before`. */
    const recovery = async (from: number, before: number) => {
      for (;;) {
        const now = await completedCount();
        if (now !== null && now > before) return (Date.now() - from) / 1000;
        await sleep(250);
      }
    };

    await sleep(20_000);
    const beforePostgres = (await completedCount()) ?? 0;
    await postgres.stopServer();
    log('Postgres stopped');
    await sleep(POSTGRES_OUTAGE_MS);
    await postgres.startServer();
    const postgresBack = Date.now();
    log('Postgres started again');
    const postgresRecovery = await recovery(postgresBack, beforePostgres);
    log(`first completion after Postgres returned: ${postgresRecovery.toFixed(1)} s`);

    await sleep(10_000);
    const beforeRedis = (await completedCount()) ?? 0;
    await redis.stop();
    log('Redis killed');
    await redis.start();
    const redisBack = Date.now();
    log('Redis started again, empty');
    const redisRecovery = await recovery(redisBack, beforeRedis);
    log(`first completion after Redis returned: ${redisRecovery.toFixed(1)} s`);

    await submitting;
    log(`all ${TASKS} tasks submitted (${refused} refused submissions retried)`);
    // Keep killing until everything is done or time is up.
    const deadline = Date.now() + 10 * 60_000;
    let rows: {
      id: string;
      status: string;
      result: { segments: { id: number }[] } | null;
      callback_status: string | null;
    }[] = [];
    for (;;) {
      rows = await stack.sql('SELECT id, status, result, callback_status FROM tasks');
      const unfinished = rows.filter((row) => row.status === 'queued' || row.status === 'processing').length;
      if (unfinished === 0 || Date.now() > deadline) break;
      await sleep(1000);
    }
    faults = false;
    await killing;
    const allDone = Date.now();
    log('every task finished');
    await sleep(5000); // let the last callbacks land

    const ids = new Set(accepted.values());
    const byId = new Map(rows.map((row) => [row.id, row]));
    const completed = [...ids].filter((id) => byId.get(id)?.status === 'completed').length;
    const failed = [...ids].filter((id) => byId.get(id)?.status === 'failed').length;
    const lost = [...ids].filter(
      (id) => !byId.has(id) || ['queued', 'processing'].includes(byId.get(id)!.status),
    ).length;
    const duplicatedResults = rows.filter(
      (row) => row.result && row.result.segments.some((segment, i) => segment.id !== i),
    ).length;
    const extraTasks = rows.length - ids.size; // a retried submission that became a second task
    const tasksWithCallback = new Set([...callbacks.values()].map((seen) => seen.task));
    const duplicatedCallbacks = [...callbacks.values()].reduce((sum, seen) => sum + seen.count - 1, 0);
    const table: [string, string | number][] = [
      ['submitted (accepted)', ids.size],
      ['completed', completed],
      ['failed', failed],
      ['lost', lost],
      ['duplicated results', duplicatedResults],
      ['duplicate tasks from retried submissions', extraTasks],
      ['callbacks received (distinct tasks)', tasksWithCallback.size],
      ['duplicated callbacks (same delivery id again)', duplicatedCallbacks],
      ['refused submissions (retried)', refused],
      ['recovery after Postgres returned (first completion)', `${postgresRecovery.toFixed(1)} s`],
      ['recovery after Redis returned empty (first completion)', `${redisRecovery.toFixed(1)} s`],
      ['wall time until every task finished', `${((allDone - started) / 1000).toFixed(1)} s`],
    ];
    console.log('\nTimeline:');
    for (const line of events) console.log(line);
    console.log('\n| measure | value |\n|---|---|');
    for (const [name, value] of table) console.log(`| ${name} | ${value} |`);
  } finally {
    await stack.destroy();
    await redis.stop();
    await postgres.destroy();
    await receiver.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
