import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { MediaError, type MediaLimits } from './media-info';

/**
 * `setpriv --pdeathsig KILL` (util-linux) makes the kernel kill the tool when the process that
 * started it dies, even by SIGKILL (Linux `prctl(PR_SET_PDEATHSIG)`, kept across `exec`). Where it
 * is missing (macOS), the tool still dies with its request through the watchdog and `kill()`.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

/** Time a tool gets to exit after SIGTERM before it is sent SIGKILL, in ms. */
export const KILL_GRACE_MS = 2000;

export interface MediaProcessOptions {
  /** Aborting it kills the tool. */
  signal?: AbortSignal;
  /**
   * The tool is killed when it makes no progress for this long, in ms: no output on stdout and
   * no advance of `out_time_us` in its `-progress` report, while nothing it wrote waits unread.
   */
  stallTimeoutMs: number;
}

/** How a media tool ended. */
export interface MediaProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the watchdog killed it for making no progress. */
  stalled: boolean;
  /** The last 4,000 characters of its stderr, without `-progress` lines. */
  stderr: string;
}

/**
 * ffmpeg or ffprobe as a child process with a watchdog: it dies when it stalls (see
 * `stallTimeoutMs`), when `signal` aborts, when `kill()` is called, and with the process that
 * started it. It is sent SIGTERM first and SIGKILL `KILL_GRACE_MS` later if it is still there
 * (ffmpeg ignores SIGTERM while blocked in some reads).
 */
export class MediaProcess {
  /** The tool's stdout (media output, or ffprobe's JSON). */
  readonly stdout: Readable;
  /**
   * Resolves when the tool has exited and its output has been read to the end (never rejects; a
   * failed spawn ends as code null). Read or destroy `stdout`, or this never settles.
   */
  readonly exited: Promise<MediaProcessExit>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private stderr = '';
  private stalled = false;
  private running = true;
  private outTime = -1;
  private watchdog?: NodeJS.Timeout;

  constructor(
    tool: 'ffmpeg' | 'ffprobe',
    args: readonly string[],
    private readonly options: MediaProcessOptions,
  ) {
    const command = SETPRIV ? [SETPRIV, '--pdeathsig', 'KILL', tool, ...args] : [tool, ...args];
    this.child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.stdout = this.child.stdout;
    this.stdout.on('data', () => this.arm());
    this.child.stderr.setEncoding('utf8').on('data', (text: string) => this.readStderr(text));
    this.child.once('exit', () => {
      this.running = false;
      clearTimeout(this.watchdog);
    });
    this.exited = new Promise((resolve) => {
      // 'close': the tool has exited and its stdout and stderr are read to the end.
      this.child.once('close', (code, signal) => {
        this.running = false;
        clearTimeout(this.watchdog);
        options.signal?.removeEventListener('abort', this.abort);
        resolve({ code, signal, stalled: this.stalled, stderr: this.stderr });
      });
      this.child.once('error', (error) => {
        this.running = false;
        this.stderr += `\n${error.message}`;
        resolve({ code: null, signal: null, stalled: false, stderr: this.stderr });
      });
    });
    options.signal?.addEventListener('abort', this.abort, { once: true });
    if (options.signal?.aborted) this.kill();
    this.arm();
  }

  /** Ends the tool: SIGTERM, then SIGKILL if it has not exited after `KILL_GRACE_MS`. */
  kill(): void {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    setTimeout(() => this.running && this.child.kill('SIGKILL'), KILL_GRACE_MS).unref();
  }

  /** Kills the tool and drops its output: for a reader that stopped early (its pipe is released at once). */
  abandon(): void {
    this.kill();
    this.stdout.destroy();
  }

  /** The process id (for tests and logs). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private readonly abort = () => this.kill();

  private arm(): void {
    clearTimeout(this.watchdog);
    if (!this.running) return;
    this.watchdog = setTimeout(() => this.check(), this.options.stallTimeoutMs);
    this.watchdog.unref();
  }

  /** The watchdog fired: a tool whose output waits for a slow reader is not stalled. */
  private check(): void {
    if (this.stdout.readableLength > 0) return this.arm();
    this.stalled = true;
    this.kill();
  }

  private readStderr(text: string): void {
    for (const line of text.split('\n')) {
      const time = /^out_time_us=(\d+)/.exec(line);
      if (time) {
        const value = Number(time[1]);
        if (value > this.outTime) {
          this.outTime = value;
          this.arm();
        }
      } else if (line && !/^[a-z_]+=/.test(line)) {
        this.stderr = `${this.stderr}\n${line}`.slice(-4000);
      }
    }
  }
}

/**
 * ffmpeg's global options for a quiet run that prints its progress (`out_time_us=…`) to stderr,
 * which feeds the watchdog of a tool that writes to a file rather than to stdout.
 */
export const FFMPEG_PROGRESS = ['-nostdin', '-hide_banner', '-v', 'error', '-nostats', '-progress', 'pipe:2'];

/**
 * Input options of every ffmpeg and ffprobe Hark runs: read only from a local file, only with a
 * demuxer of `MEDIA_DEMUXERS` (so no playlist, list or image sequence can make it open another
 * file or a URL), and with no single allocation over 128 MiB whatever a header claims.
 */
export function guardedInput(path: string): string[] {
  return [
    '-max_alloc',
    String(128 * 1024 ** 2),
    '-protocol_whitelist',
    'file,pipe',
    '-format_whitelist',
    MEDIA_DEMUXERS.join(','),
    '-i',
    `file:${path}`,
  ];
}

/**
 * The demuxers (ffmpeg's names) of real audio and video containers: the only formats Hark reads.
 * Playlists and indirection formats (hls, dash, concat/ffconcat, image2, sdp, …) are not here, and
 * neither are text formats ffmpeg can synthesise audio from.
 */
export const MEDIA_DEMUXERS = [
  'aac',
  'ac3',
  'aiff',
  'amr',
  'amrnb',
  'amrwb',
  'ape',
  'asf',
  'au',
  'avi',
  'caf',
  'dsf',
  'dts',
  'dtshd',
  'dv',
  'eac3',
  'flac',
  'flv',
  'gsm',
  'loas',
  'matroska',
  'mlp',
  'mov',
  'mp3',
  'mpc',
  'mpc8',
  'mpeg',
  'mpegts',
  'mxf',
  'nut',
  'ogg',
  'qcp',
  'rm',
  'shorten',
  'tak',
  'truehd',
  'tta',
  'voc',
  'w64',
  'wav',
  'wv',
  'xwma',
] as const;

/** The error of a tool the watchdog stopped: the file counts as unreadable. */
export function stalledError(limits: MediaLimits, doing: string): MediaError {
  return new MediaError(
    'unreadable',
    `${doing} made no progress for ${limits.stallTimeoutMs / 1000} s (MEDIA_STALL_TIMEOUT_S) and was stopped; the file is not readable audio or video.`,
  );
}
