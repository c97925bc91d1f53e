import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForTask } from './support/api-client';
import { createTestDatabase, type TestDatabase } from './support/database';
import { audioPath, testModel, testModelsDir, testRedisUrl } from './support/env';
import { freePort } from './support/ports';
import { waitFor } from './support/wait';

const ROOT = resolve(__dirname, '..');

/** `npm start` as a user runs it, in its own process group so that only npm is signalled. */
interface Started {
  npm: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  apiPort: number;
  healthPort: number;
}

/** The pids of every descendant of `pid` (from `ps`), children first. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [child, ppid] of table)
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
  }
  return found;
}

/** The pid of the api's or the processor's main process under `npm start` (pid `npmPid`). */
function appPid(npmPid: number, app: 'api' | 'processor'): number {
  const tree = new Set(descendants(npmPid));
  const table = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).trim().split('\n');
  const pids = table
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line)!)
    .filter(([, pid, args]) => tree.has(Number(pid)) && args.includes(`apps/${app}/src/main.js`))
    .map(([, pid]) => Number(pid));
  expect(pids, `the ${app} under npm start`).toHaveLength(1);
  return pids[0];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * `npm start` with the built apps (`npm run build` first): stopping npm must stop the api and the
 * processor, and the start script says once when both are ready.
 */
describe('npm start', () => {
  let database: TestDatabase;
  const running: Started[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => {
    // A failed test must not leave apps behind: kill whatever is left of npm's tree.
    for (const started of running.splice(0)) {
      for (const pid of descendants(started.npm.pid!)) if (alive(pid)) process.kill(pid, 'SIGKILL');
      if (started.npm.exitCode === null && started.npm.signalCode === null) started.npm.kill('SIGKILL');
    }
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function start(): Promise<Started> {
    const apiPort = await freePort();
    const healthPort = await freePort();
    const id = database.name.replace('hark_test_', '');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: `hark-test-${id}`,
      STORAGE_DIR: mkdtempSync(join(tmpdir(), 'hark-storage-')),
      MODELS_DIR: testModelsDir(),
      ASR_MODEL: testModel(),
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PROCESSOR_HEALTH_PORT: String(healthPort),
      NO_COLOR: '1',
    };
    delete env.LOG_FORMAT; // the default: json, as stdout is a pipe here
    const npm = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { stdout: '', stderr: '' };
    npm.stdout.on('data', (data: Buffer) => (output.stdout += data.toString()));
    npm.stderr.on('data', (data: Buffer) => (output.stderr += data.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      npm.once('exit', (code, signal) => done({ code, signal })),
    );
    const started = { npm, output, exited, apiPort, healthPort };
    running.push(started);
    await waitFor(
      () => {
        if (npm.exitCode !== null)
          throw new Error(`npm start exited (${npm.exitCode}):\n${output.stdout}${output.stderr}`);
        return output.stdout.includes('Hark is ready');
      },
      { what: () => `"Hark is ready" from npm start:\n${output.stdout}${output.stderr}`, timeoutMs: 90_000 },
    );
    const live = await fetch(`http://127.0.0.1:${apiPort}/health/live`);
    expect(live.status).toBe(200);
    expect(await listening(healthPort)).toBe(true);
    return started;
  }

  /** Signals npm alone, then checks that both apps stopped, their ports are closed and no process is left. */
  async function stopWith(signal: NodeJS.Signals): Promise<Started> {
    const started = await start();
    const tree = descendants(started.npm.pid!);
    expect(tree.length).toBeGreaterThanOrEqual(3); // the supervisor, the api, the processor
    process.kill(started.npm.pid!, signal);
    const exit = await Promise.race([
      started.exited,
      new Promise<never>((_, fail) =>
        setTimeout(() => fail(new Error(`npm start did not exit on ${signal}:\n${started.output.stdout}`)), 60_000),
      ),
    ]);
    await waitFor(() => tree.every((pid) => !alive(pid)), {
      what: () => `every process of npm start to end; alive: ${tree.filter(alive).join(', ')}`,
      timeoutMs: 10_000,
    });
    expect(await listening(started.apiPort)).toBe(false);
    expect(await listening(started.healthPort)).toBe(false);
    return { ...started, exited: Promise.resolve(exit) };
  }

  it('prints JSON lines and "Hark is ready" once when stdout is not a terminal; SIGTERM to npm stops both apps', async () => {
    const started = await stopWith('SIGTERM');
    expect(await started.exited).toEqual({ code: 0, signal: null });
    const lines = started.output.stdout.split('\n').filter((line) => line.trim() && !line.startsWith('> '));
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    const ready = lines.filter((line) => line.includes('Hark is ready'));
    expect(ready).toHaveLength(1);
    expect((JSON.parse(ready[0]) as { message: string }).message).toBe(
      `Hark is ready: http://localhost:${started.apiPort} (API docs at /docs)`,
    );
    // The ready line comes after both apps said they were ready.
    const at = (text: string) => started.output.stdout.indexOf(text);
    expect(at('API listening')).toBeGreaterThan(-1);
    expect(at('Processor ready')).toBeGreaterThan(-1);
    expect(at('Hark is ready')).toBeGreaterThan(Math.max(at('API listening'), at('Processor ready')));
  });

  it('SIGINT to npm (as Ctrl-C) stops both apps', async () => {
    const started = await stopWith('SIGINT');
    expect((await started.exited).code).toBe(0);
    expect(started.output.stdout).toMatch(/SIGINT: finishing in-flight requests/); // the api stopped gracefully
  });

  it('SIGKILL to npm stops both apps too (the supervisor sees its parent go)', async () => {
    await stopWith('SIGKILL');
  });

  it('an app killed with SIGKILL is started again with backoff while the other goes on; tasks still complete', async () => {
    const started = await start();
    const api = `http://127.0.0.1:${started.apiPort}`;
    const count = (pattern: RegExp) => started.output.stdout.match(pattern)?.length ?? 0;
    const processor = appPid(started.npm.pid!, 'processor');
    const apiPid = appPid(started.npm.pid!, 'api');

    process.kill(processor, 'SIGKILL');
    await waitFor(
      () => started.output.stderr.includes('The processor exited (SIGKILL); starting it again in 1000 ms.'),
      {
        what: () => `the supervisor to restart the processor:\n${started.output.stderr}`,
        intervalMs: 20,
      },
    );
    expect((await fetch(`${api}/health/live`)).status).toBe(200); // the api answers while the processor is away
    await waitFor(() => count(/Processor ready/g) >= 2, {
      what: () => `a second "Processor ready":\n${started.output.stdout}`,
      timeoutMs: 60_000,
    });
    expect(appPid(started.npm.pid!, 'processor')).not.toBe(processor);
    expect(appPid(started.npm.pid!, 'api')).toBe(apiPid);
    expect((await fetch(`http://127.0.0.1:${started.healthPort}/health/ready`)).status).toBe(200);
    const created = await upload(api, audioPath('jfk.wav'));
    expect(created.status).toBe(201);
    expect((await waitForTask(api, created.body.id, ['completed', 'failed'], 60_000)).task.status).toBe('completed');

    // The api too: started again, the processor untouched.
    const restarted = appPid(started.npm.pid!, 'processor');
    process.kill(apiPid, 'SIGKILL');
    await waitFor(() => count(/API listening/g) >= 2, {
      what: () => `a second "API listening":\n${started.output.stdout}\n${started.output.stderr}`,
      timeoutMs: 60_000,
    });
    expect((await fetch(`${api}/health/live`)).status).toBe(200);
    expect(appPid(started.npm.pid!, 'processor')).toBe(restarted);
    expect(count(/Hark is ready/g)).toBe(1);
    expect(started.npm.exitCode).toBeNull();
  });
});
