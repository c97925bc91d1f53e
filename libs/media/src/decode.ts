import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { ffmpegReason } from './ffmpeg-error';
import { MediaError, WHISPER_SAMPLE_RATE } from './media-info';

const BYTES_PER_SAMPLE = Float32Array.BYTES_PER_ELEMENT;

/**
 * Decodes the first audio stream of a media file to mono Float32 PCM at 16 kHz, as a stream.
 * ffmpeg downmixes every channel and resamples; video streams are skipped. Memory stays bounded:
 * chunks arrive as ffmpeg produces them and ffmpeg is paused while the consumer is busy
 * (stream back-pressure), so nothing here grows with the file's length.
 *
 * @param path local media file
 * @param signal aborting it kills ffmpeg and ends the iteration with the abort reason
 * @param startSeconds where to start in the file (ffmpeg seeks the input; for audio the seek is sample-accurate)
 * @yields Float32Array chunks of samples in [-1, 1] (16 kHz mono); lengths vary
 * @throws MediaError `decode_failed` when ffmpeg exits with an error
 */
export async function* decodePcm(path: string, signal?: AbortSignal, startSeconds = 0): AsyncGenerator<Float32Array> {
  // Kept open until ffmpeg has exited (no auto-destroy at the end, none when the loop ends):
  // fluent-ffmpeg reports "Output stream closed" when the output closes more than 20 ms before
  // ffmpeg's exit event, which happens under load even when the decode succeeded.
  const output = new PassThrough({ highWaterMark: 1 << 18, autoDestroy: false });
  let stderr = '';
  let running = true;
  let settle!: { resolve: () => void; reject: (error: Error) => void };
  const exited = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  exited.catch(() => undefined); // awaited below; this only keeps an early exit from being unhandled
  const command = ffmpeg(path)
    .seekInput(startSeconds)
    .noVideo()
    .audioChannels(1)
    .audioFrequency(WHISPER_SAMPLE_RATE)
    .audioCodec('pcm_f32le')
    .format('f32le')
    .on('stderr', (line: string) => {
      stderr = `${stderr}\n${line}`.slice(-4000);
    })
    .on('end', () => {
      running = false;
      settle.resolve();
    })
    .on('error', (error: Error) => {
      running = false;
      const failure = new MediaError(
        'decode_failed',
        `ffmpeg could not decode the audio: ${ffmpegReason(error, stderr)}`,
      );
      settle.reject(failure);
      if (!output.destroyed) output.destroy(failure);
    });
  const abort = () => {
    if (running) command.kill('SIGKILL');
    output.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  };
  signal?.addEventListener('abort', abort, { once: true });
  command.pipe(output, { end: true });

  let carry = Buffer.alloc(0);
  try {
    for await (const chunk of output.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const usable = bytes.length - (bytes.length % BYTES_PER_SAMPLE);
      carry = Buffer.from(bytes.subarray(usable));
      if (usable === 0) continue;
      // Copy into an aligned buffer: Float32Array views need 4-byte-aligned offsets.
      const samples = new Float32Array(usable / BYTES_PER_SAMPLE);
      Buffer.from(samples.buffer).set(bytes.subarray(0, usable));
      yield samples;
    }
    await exited; // stdout can end before ffmpeg reports a failed exit
  } finally {
    signal?.removeEventListener('abort', abort);
    if (!output.destroyed) output.destroy();
    if (running) command.kill('SIGKILL'); // the consumer stopped early
  }
}
