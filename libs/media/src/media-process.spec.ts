import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audioPath } from '../../../test/support/env';
import { processState } from '../../../test/support/proc';
import { waitFor } from '../../../test/support/wait';
import { decodePcm } from './decode';
import { MediaError } from './media-info';
import { guardedInput, KILL_GRACE_MS, MediaProcess } from './media-process';

const dir = mkdtempSync(join(tmpdir(), 'hark-media-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A FIFO nobody writes to: ffmpeg blocks in open() on it, and goes on blocking through SIGTERM. */
function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

const alive = (pid: number) => ![null, 'Z', 'X'].includes(processState(pid));

describe('MediaProcess: the watchdog of every ffmpeg and ffprobe', () => {
  it('kills an ffmpeg that makes no progress, with SIGKILL when it ignores SIGTERM', async () => {
    const tool = new MediaProcess('ffmpeg', ['-nostdin', ...guardedInput(fifo('stuck.wav')), '-f', 'null', '-'], {
      stallTimeoutMs: 500,
    });
    const started = performance.now();
    const exit = await tool.exited;
    expect(exit).toMatchObject({ stalled: true, signal: 'SIGKILL' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(500 + KILL_GRACE_MS - 50);
  });

  it('fails a decode that stalls as unreadable, naming MEDIA_STALL_TIMEOUT_S', async () => {
    const decode = async () => {
      for await (const samples of decodePcm(fifo('stuck-decode.wav'), undefined, 0, {
        maxSeconds: 3600,
        stallTimeoutMs: 300,
      }))
        void samples;
    };
    const error = await decode().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaError);
    expect(error).toMatchObject({ code: 'unreadable', message: expect.stringContaining('MEDIA_STALL_TIMEOUT_S') });
  });

  it('does not take a slow consumer for a stall: ffmpeg waiting on back-pressure is left alone', async () => {
    let samples = 0;
    let chunks = 0;
    for await (const chunk of decodePcm(audioPath('long-en-concat-16k.wav'), undefined, 0, {
      maxSeconds: 3600,
      stallTimeoutMs: 1500,
    })) {
      samples += chunk.length;
      if (chunks++ === 0) await new Promise((done) => setTimeout(done, 2500)); // ffmpeg is blocked meanwhile
    }
    expect(samples / 16000).toBeCloseTo(157.15, 1);
  });

  it('an ffmpeg dies with the process that started it, even when that one is SIGKILLed', async () => {
    const script = resolve(__dirname, '__fixtures__/hold-ffmpeg.ts');
    const viteNode = resolve(__dirname, '../../../node_modules/.bin/vite-node');
    const parent = spawn(viteNode, ['-c', resolve(__dirname, '../../../vitest.config.ts'), script, fifo('held.wav')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST'))),
    });
    let output = '';
    parent.stdout.on('data', (data: Buffer) => (output += data.toString()));
    const pid = Number(
      await waitFor(() => /ffmpeg pid (\d+)/.exec(output)?.[1], { what: 'the ffmpeg pid', timeoutMs: 20_000 }),
    );
    // Blocked in open() on the FIFO (sleeping), with nothing left to write that would fail once its parent is gone.
    await waitFor(() => processState(pid) === 'S', { what: `ffmpeg ${pid} to block on the FIFO` });
    await new Promise((done) => setTimeout(done, 300));
    expect(processState(pid)).toBe('S');
    parent.kill('SIGKILL');
    await waitFor(() => !alive(pid), { what: `ffmpeg ${pid} to die with its parent`, timeoutMs: 5000 });
  });
});
