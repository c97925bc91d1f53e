/**
 * `npm start` (through scripts/start.sh): runs the built api and one processor and supervises them.
 *
 * - Both apps run as children with an IPC channel, each in its own process group, so that a
 *   terminal's Ctrl-C reaches them once, through this supervisor, not twice.
 * - SIGINT, SIGTERM and SIGHUP are forwarded to both apps (each signal once), which then stop
 *   gracefully; this process exits when both have ended.
 * - When an app that was ready exits on its own (a crash, an out-of-memory kill), it is started
 *   again after a backoff (`RestartBackoff`: 1 s, doubling to 30 s, reset after a minute of
 *   running) while the other one goes on: the api keeps answering while the processor restarts
 *   (its jobs go back to the queue and continue from their checkpoints), and the processor keeps
 *   working while the api restarts (the api holds no state, so restarting it in place loses
 *   nothing, where stopping both would cut every transcription short).
 * - When an app exits before it was ever ready (bad configuration, a missing model), a restart
 *   would fail the same way: the other one is stopped too, and this process exits with its status.
 * - When this process's parent goes away without a signal (killed with SIGKILL), both apps are
 *   stopped; when this process itself is killed with SIGKILL, the apps notice that the IPC channel
 *   closed and stop themselves (`stopWhenSupervisorGoes`).
 * - Once both apps report that they are ready, prints `Hark is ready: http://localhost:3000 (API
 *   docs at /docs)` (a JSON log line when LOG_FORMAT is json).
 *
 * LOG_FORMAT, unless set, is chosen from this process's stdout (text on a terminal, else json)
 * and passed on to both apps, which share that stdout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  childProcessEnv,
  createLogger,
  type HarkConfig,
  isReadyMessage,
  loadConfigOrExit,
  RestartBackoff,
} from '@app/config';

const APPS = [
  { name: 'api', main: join(__dirname, '../apps/api/src/main.js') },
  { name: 'processor', main: join(__dirname, '../apps/processor/src/main.js') },
] as const;
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How often the parent is checked for (a watchdog for SIGKILL of npm, not a delay). */
const PARENT_CHECK_MS = 1000;

/** The address a user opens: `localhost` for the wildcard and loopback hosts. */
function readyUrl(config: Pick<HarkConfig, 'apiHost' | 'apiPort'>): string {
  const local = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(config.apiHost);
  const host = local ? 'localhost' : config.apiHost.includes(':') ? `[${config.apiHost}]` : config.apiHost;
  return `http://${host}:${config.apiPort}`;
}

/** The line printed once both apps are ready. */
function readyLine(config: Pick<HarkConfig, 'apiHost' | 'apiPort' | 'swaggerEnabled'>): string {
  return `Hark is ready: ${readyUrl(config)}${config.swaggerEnabled ? ' (API docs at /docs)' : ''}`;
}

/** One supervised app, across its restarts. */
interface App {
  name: (typeof APPS)[number]['name'];
  main: string;
  child?: ChildProcess;
  /** Its restarts, and whether and since when it was ready. */
  backoff: RestartBackoff;
  restartTimer?: NodeJS.Timeout;
}

/** Starts both apps and supervises them until they have ended. */
function main(): void {
  const config = loadConfigOrExit();
  const env = childProcessEnv({ LOG_FORMAT: config.logFormat });
  const apps: App[] = APPS.map((app) => ({ ...app, backoff: new RestartBackoff() }));
  const sent = new Set<NodeJS.Signals>();
  let exitStatus: number | null = null;
  let stopping = false;
  let announced = false;

  const running = (app: App) => !!app.child && app.child.exitCode === null && app.child.signalCode === null;
  const exitOnceAllEnded = () => {
    if (!stopping || apps.some(running)) return;
    clearInterval(watchdog);
    process.exit(exitStatus ?? 0);
  };
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const app of apps) clearTimeout(app.restartTimer);
    if (!sent.has(signal)) {
      sent.add(signal);
      for (const app of apps) if (running(app)) app.child!.kill(signal);
    }
    exitOnceAllEnded();
  };

  const start = (app: App) => {
    const child = spawn(process.execPath, [app.main], {
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true, // its own process group: a terminal's Ctrl-C reaches it through stopAll only
    });
    app.child = child;
    app.backoff.started();
    child.on('message', (message: unknown) => {
      if (!isReadyMessage(message)) return;
      app.backoff.ready();
      if (!announced && !stopping && apps.every((each) => each.backoff.everReady)) {
        announced = true;
        announce(config);
      }
    });
    child.on('error', (error) => {
      process.stderr.write(`Cannot start the ${app.name} (${app.main}): ${error.message}. Run npm run build first.\n`);
      exitStatus ??= 1;
      stopAll('SIGTERM');
    });
    child.on('exit', (code, signal) => {
      const byUs = signal !== null && sent.has(signal);
      if (!stopping && app.backoff.everReady) {
        // It ran before: a crash (or a kill) is started again, the other app goes on serving.
        const delay = app.backoff.afterCrash();
        process.stderr.write(`The ${app.name} exited (${code ?? signal}); starting it again in ${delay} ms.\n`);
        app.restartTimer = setTimeout(() => start(app), delay);
        return;
      }
      if (!stopping) {
        // It never got ready (bad configuration, a missing model): a restart would fail the same way.
        process.stderr.write(
          `The ${app.name} exited (${code ?? signal}) before it was ready; stopping the other app.\n`,
        );
        exitStatus ??= code ?? 1;
        stopAll('SIGTERM');
      } else if (code !== 0 && !byUs) exitStatus ??= code ?? 1;
      exitOnceAllEnded();
    });
  };

  for (const app of apps) start(app);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, () => stopAll(signal));
  const parent = process.ppid;
  const watchdog = setInterval(() => {
    if (process.ppid !== parent) stopAll('SIGTERM'); // npm (or the shell) is gone
  }, PARENT_CHECK_MS);
}

/** Prints the ready line: plain text for a terminal, a log line with LOG_FORMAT=json. */
function announce(config: HarkConfig): void {
  if (config.logFormat === 'json') createLogger(config, 'Hark').log(readyLine(config));
  else process.stdout.write(`${readyLine(config)}\n`);
}

main();
