import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { type AppProcess, TestStack } from './support/stack';
import { waitFor } from './support/wait';

/** Short lock and stall check, so a killed worker's job is taken back within seconds. */
const FAST_RECOVERY = { JOB_LOCK_MS: '4000', JOB_STALLED_INTERVAL_MS: '2000', RECONCILE_INTERVAL_MS: '1000' };

interface DeviceHealth {
  device: string;
  state: string;
  pid: number | null;
  restarts: number;
  ready: boolean;
}

/** The supervisor's readiness answer. */
async function readiness(processor: AppProcess): Promise<{ status: number; devices: DeviceHealth[] }> {
  const response = await fetch(`${processor.healthUrl}/health/ready`);
  return { status: response.status, devices: ((await response.json()) as { devices: DeviceHealth[] }).devices };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ASR_DEVICES: one supervised worker process per device', () => {
  let stack: TestStack;
  let processor: AppProcess;

  beforeAll(async () => {
    stack = await TestStack.create(FAST_RECOVERY);
    await stack.startApi();
    processor = await stack.startProcessor({ ASR_DEVICES: 'cpu,cpu', ASR_POOL_SIZE: '1', WORKER_CONCURRENCY: '1' });
  });
  afterAll(() => stack?.destroy());

  it('runs two worker processes, each ready, and reports each device on /health/ready', async () => {
    expect(processor.log).toMatch(/Processor ready: 2 devices \(cpu, cpu\)/);
    const { status, devices } = await readiness(processor);
    expect(status).toBe(200);
    expect(devices.map(({ device, state, ready, restarts }) => ({ device, state, ready, restarts }))).toEqual([
      { device: 'cpu', state: 'ready', ready: true, restarts: 0 },
      { device: 'cpu', state: 'ready', ready: true, restarts: 0 },
    ]);
    const pids = devices.map((device) => device.pid!);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(processor.pid);
    expect(pids.every(alive)).toBe(true);
  });

  it('a killed worker is started again, and the job it held moves on to completion', async () => {
    const long = audioPath('long-en-concat-16k.wav');
    const ids = [(await upload(stack.baseUrl, long)).body.id, (await upload(stack.baseUrl, long)).body.id];
    // One task per worker (WORKER_CONCURRENCY=1): both processing.
    await waitFor(
      async () =>
        (await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE status = 'processing'`))[0].n,
      { until: (n) => n === 2, what: 'both tasks processing', timeoutMs: 60_000 },
    );
    const before = (await readiness(processor)).devices;
    const victim = before[0].pid!;
    process.kill(victim, 'SIGKILL');

    await waitFor(() => readiness(processor), {
      until: ({ status, devices }) =>
        status === 200 && devices[0].restarts === 1 && devices[0].pid !== victim && devices[0].ready,
      what: 'the killed worker to be started again and ready',
      timeoutMs: 60_000,
    });
    expect(processor.log).toMatch(/The worker for cpu exited \(signal SIGKILL\); starting it again/);
    expect((await readiness(processor)).devices[1].pid).toBe(before[1].pid); // the other one kept running

    for (const id of ids) {
      const { task } = await waitForTask(stack.baseUrl, id);
      expect(task.status, task.error).toBe('completed');
    }
    // The killed worker's task was taken again (a second attempt); the other one ran once.
    const attempts = await stack.sql<{ attempts: number }>(
      'SELECT attempts FROM tasks WHERE id = ANY($1) ORDER BY attempts',
      [ids],
    );
    expect(attempts.map((row) => row.attempts)).toEqual([1, 2]);
  });

  it('SIGTERM drains: every worker stops and the processor exits 0', async () => {
    const pids = (await readiness(processor)).devices.map((device) => device.pid!);
    await processor.stop('SIGTERM');
    expect(await processor.exitCode()).toBe(0);
    expect(processor.log).toMatch(/SIGTERM: draining the device workers/);
    expect(pids.filter(alive)).toEqual([]);
  });
});

describe('ASR_DEVICES=cuda:0 without a usable GPU', () => {
  it('fails fast naming the cause, and never starts a worker on the CPU', async () => {
    const stack = await TestStack.create();
    try {
      const processor = stack.spawnProcessor({ ASR_DEVICES: 'cuda:0' });
      expect(await processor.exitCode()).toBe(1);
      expect(processor.log).toMatch(/Cannot run on ASR_DEVICES=cuda:0: /);
      expect(processor.log).toMatch(/never runs a CUDA device on the CPU/);
      expect(processor.log).not.toMatch(/Worker for|Processor ready/);
      // What was wrong on this machine: no GPU driver, or a sherpa-onnx build without CUDA.
      let hasDriver = true;
      try {
        execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore' });
      } catch {
        hasDriver = false;
      }
      expect(processor.log).toMatch(hasDriver ? /CUDA/ : /nvidia-smi/);
    } finally {
      await stack.destroy();
    }
  });
});
