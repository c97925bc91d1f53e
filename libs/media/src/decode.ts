import { ffmpegReason } from './ffmpeg-error';
import { DEFAULT_MEDIA_LIMITS, MediaError, type MediaLimits, tooLong, WHISPER_SAMPLE_RATE } from './media-info';
import { FFMPEG_PROGRESS, guardedInput, MediaProcess, stalledError } from './media-process';

const BYTES_PER_SAMPLE = Float32Array.BYTES_PER_ELEMENT;

/** Samples the decoded audio may run past `limits.maxSeconds` before it counts as too long (resampler padding). */
const LENGTH_TOLERANCE_SAMPLES = WHISPER_SAMPLE_RATE;

/**
 * Decodes the first audio stream of a media file to mono Float32 PCM at 16 kHz, as a stream.
 * ffmpeg downmixes every channel and resamples; video streams are skipped. Memory stays bounded:
 * chunks arrive as ffmpeg produces them (at most a pipe's worth each) and ffmpeg waits while the
 * consumer is busy (stream back-pressure), so nothing here grows with the file's length, and
 * ffmpeg's own allocations are capped (`guardedInput`).
 *
 * @param path local media file (read through the demuxer whitelist)
 * @param signal aborting it kills ffmpeg and ends the iteration with the abort reason
 * @param startSeconds where to start in the file (ffmpeg seeks the input; for audio the seek is sample-accurate)
 * @param limits the longest audio, enforced on the samples decoded whatever the header said, and
 *   the watchdog's stall timeout
 * @yields Float32Array chunks of samples in [-1, 1] (16 kHz mono); lengths vary
 * @throws MediaError `decode_failed` when ffmpeg exits with an error, `unreadable` when it stalls,
 *   `too_long` once the audio passes `limits.maxSeconds`
 */
export async function* decodePcm(
  path: string,
  signal?: AbortSignal,
  startSeconds = 0,
  limits: MediaLimits = DEFAULT_MEDIA_LIMITS,
): AsyncGenerator<Float32Array> {
  const seek = startSeconds > 0 ? ['-ss', String(startSeconds)] : [];
  const output = ['-vn', '-ac', '1', '-ar', String(WHISPER_SAMPLE_RATE), '-c:a', 'pcm_f32le', '-f', 'f32le', 'pipe:1'];
  const tool = new MediaProcess('ffmpeg', [...FFMPEG_PROGRESS, ...seek, ...guardedInput(path), ...output], {
    signal,
    stallTimeoutMs: limits.stallTimeoutMs,
  });
  const maxSamples = Math.max(0, limits.maxSeconds - startSeconds) * WHISPER_SAMPLE_RATE + LENGTH_TOLERANCE_SAMPLES;
  let decoded = 0;
  let carry = Buffer.alloc(0);
  try {
    for await (const chunk of tool.stdout as AsyncIterable<Buffer>) {
      const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const usable = bytes.length - (bytes.length % BYTES_PER_SAMPLE);
      carry = Buffer.from(bytes.subarray(usable));
      if (usable === 0) continue;
      // Copy into an aligned buffer: Float32Array views need 4-byte-aligned offsets.
      const samples = new Float32Array(usable / BYTES_PER_SAMPLE);
      Buffer.from(samples.buffer).set(bytes.subarray(0, usable));
      decoded += samples.length;
      if (decoded > maxSamples) throw tooLong(`The file's audio goes on past ${limits.maxSeconds} s`, limits);
      yield samples;
    }
    const exit = await tool.exited; // stdout can end before ffmpeg reports a failed exit
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
    if (exit.stalled) throw stalledError(limits, 'Decoding the file');
    if (exit.code !== 0)
      throw new MediaError('decode_failed', `ffmpeg could not decode the audio: ${ffmpegReason(exit.stderr)}`);
  } finally {
    // The consumer stopped early, or the audio was too long (nothing happens when ffmpeg has exited).
    tool.abandon();
  }
}
