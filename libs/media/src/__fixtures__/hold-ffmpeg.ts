// Run by media-process.spec.ts as a child process: starts an ffmpeg through MediaProcess that blocks
// for ever on the FIFO named by argv[2], prints its pid, and waits to be killed.
import { guardedInput, MediaProcess } from '../media-process';

const tool = new MediaProcess(
  'ffmpeg',
  ['-nostdin', '-v', 'quiet', ...guardedInput(process.argv[2]), '-f', 'null', '-'],
  {
    stallTimeoutMs: 600_000,
  },
);
process.stdout.write(`ffmpeg pid ${tool.pid}\n`);
setInterval(() => undefined, 1000);
