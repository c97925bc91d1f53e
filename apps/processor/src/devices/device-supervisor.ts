import { type ChildProcess, spawn } from 'node:child_process';
import { DEFAULT_RESTART_BACKOFF, isReadyMessage, RestartBackoff, type RestartBackoffPolicy } from '@app/config';
import type { LoggerService } from '@nestjs/common';
import { type Device, deviceEnvironment } from './devices';

/** What the supervisor knows of one device's worker process. */
export interface DeviceWorkerState {
  device: string;
  /** `starting` until it reports ready; `restarting` while waiting out the backoff after a crash. */
  state: 'starting' | 'ready' | 'restarting' | 'stopped';
  pid: number | null;
  /** Times it was started again after a crash. */
  restarts: number;
  /** Port of its own health probes, once ready. */
  healthPort: number | null;
}

interface Options {
  /** The worker's main script (run with this Node). */
  script: string;
  env: NodeJS.ProcessEnv;
  logger: LoggerService;
  /** How long a worker may take to finish after SIGTERM before it is killed, in ms. */
  stopGraceMs: number;
  backoff?: RestartBackoffPolicy;
  /** Called once, when every worker has reported ready for the first time. */
  onAllReady: () => void;
  /** Called when the processor cannot run: a worker failed before it was ever ready (e.g. it refused its device). */
  onFatal: (message: string) => void;
}

/** One device's worker process and its restart bookkeeping. */
class DeviceWorker {
  child: ChildProcess | null = null;
  state: DeviceWorkerState['state'] = 'starting';
  restarts = 0;
  healthPort: number | null = null;
  /** Its restarts, and whether and since when it was ready. */
  readonly backoff: RestartBackoff;
  timer?: NodeJS.Timeout;
  exited: Promise<void> = Promise.resolve();

  constructor(
    readonly device: Device,
    backoff: RestartBackoffPolicy,
  ) {
    this.backoff = new RestartBackoff(backoff);
  }
}

/**
 * Runs one worker process per device (`HARK_WORKER_DEVICE`, and `CUDA_VISIBLE_DEVICES` for its
 * GPU) and keeps them running: a worker that crashes after it was ready is started again after a
 * backoff (1 s, doubling to 30 s; reset after a minute of running), while its job goes back to the
 * queue by BullMQ's stalled-job check and continues from its checkpoint on whichever worker takes
 * it. A worker that fails before it was ever ready (a missing model, a CUDA device without a
 * working CUDA execution provider) stops the processor: a restart would fail the same way. Workers
 * report ready (and their health port) over IPC; a worker notices its supervisor's death through
 * the closed channel and stops.
 */
export class DeviceSupervisor {
  private readonly workers: DeviceWorker[];
  private stopping = false;
  private allReadyAnnounced = false;

  constructor(
    devices: readonly Device[],
    private readonly options: Options,
  ) {
    this.workers = devices.map((device) => new DeviceWorker(device, options.backoff ?? DEFAULT_RESTART_BACKOFF));
  }

  /** Starts every device's worker. */
  start(): void {
    for (const worker of this.workers) this.spawn(worker);
  }

  /** Each device's worker as it stands. */
  states(): DeviceWorkerState[] {
    return this.workers.map((worker) => ({
      device: worker.device.label,
      state: worker.state,
      pid: worker.child?.pid ?? null,
      restarts: worker.restarts,
      healthPort: worker.state === 'ready' ? worker.healthPort : null,
    }));
  }

  /**
   * Drains: SIGTERM to every worker (each finishes or hands back its jobs within its
   * SHUTDOWN_GRACE_MS), SIGKILL to any still running after `stopGraceMs`; resolves once all have ended.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const worker of this.workers) {
      clearTimeout(worker.timer);
      worker.child?.kill('SIGTERM');
    }
    const killer = setTimeout(() => {
      for (const worker of this.workers) worker.child?.kill('SIGKILL');
    }, this.options.stopGraceMs);
    await Promise.all(this.workers.map((worker) => worker.exited));
    clearTimeout(killer);
  }

  private spawn(worker: DeviceWorker): void {
    const { device } = worker;
    const child = spawn(process.execPath, [this.options.script], {
      env: { ...this.options.env, ...deviceEnvironment(device), PROCESSOR_HEALTH_PORT: '0' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true, // its own process group: a terminal's Ctrl-C reaches it once, through stop()
    });
    worker.child = child;
    worker.state = 'starting';
    worker.healthPort = null;
    worker.backoff.started();
    worker.exited = new Promise((done) => child.once('exit', () => done()));
    child.on('message', (message: unknown) => {
      if (!isReadyMessage(message)) return;
      worker.state = 'ready';
      worker.backoff.ready();
      worker.healthPort = message.healthPort ?? null;
      if (!this.allReadyAnnounced && this.workers.every((each) => each.backoff.everReady)) {
        this.allReadyAnnounced = true;
        this.options.onAllReady();
      }
    });
    child.once('exit', (code, signal) => this.exited(worker, code, signal));
  }

  private exited(worker: DeviceWorker, code: number | null, signal: NodeJS.Signals | null): void {
    worker.child = null;
    worker.healthPort = null;
    if (this.stopping) {
      worker.state = 'stopped';
      return;
    }
    const { device } = worker;
    const how = signal ? `signal ${signal}` : `status ${code}`;
    if (!worker.backoff.everReady) {
      worker.state = 'stopped';
      this.options.onFatal(
        `The worker for ${device.label} exited (${how}) before it was ready (see its log above); the processor stops.`,
      );
      return;
    }
    const delay = worker.backoff.afterCrash();
    worker.state = 'restarting';
    this.options.logger.warn?.(
      `The worker for ${device.label} exited (${how}); starting it again in ${delay} ms (its job returns to the queue)`,
      'Devices',
    );
    worker.timer = setTimeout(() => {
      worker.restarts++;
      this.spawn(worker);
    }, delay);
  }
}
