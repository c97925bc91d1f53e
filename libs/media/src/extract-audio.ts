import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { ffmpegReason } from './ffmpeg-error';
import { DEFAULT_MEDIA_LIMITS, MediaError, type MediaLimits } from './media-info';
import { FFMPEG_PROGRESS, guardedInput, MediaProcess, stalledError } from './media-process';

/** Audio formats `extractAudio` writes, with ffmpeg's codec and muxer and the HTTP content type. */
export const AUDIO_OUTPUT_FORMATS = {
  wav: { muxer: 'wav', contentType: 'audio/wav', lossless: true },
  flac: { muxer: 'flac', contentType: 'audio/flac', lossless: true },
  mp3: { muxer: 'mp3', contentType: 'audio/mpeg', lossless: false },
  ogg: { muxer: 'ogg', contentType: 'audio/ogg', lossless: false },
  m4a: { muxer: 'ipod', contentType: 'audio/mp4', lossless: false },
} as const;
export type AudioOutputFormat = keyof typeof AUDIO_OUTPUT_FORMATS;

export interface ExtractAudioOptions {
  format: AudioOutputFormat;
  /** Hz. */
  sampleRate: number;
  channels: 1 | 2;
  /** Bits per sample, for wav (16, 24, 32) and flac (16, 24); ignored by the lossy formats. */
  bitDepth: 16 | 24 | 32;
}

function codecOf({ format, bitDepth }: ExtractAudioOptions): string {
  switch (format) {
    case 'wav':
      return bitDepth === 32 ? 'pcm_s32le' : bitDepth === 24 ? 'pcm_s24le' : 'pcm_s16le';
    case 'flac':
      return 'flac';
    case 'mp3':
      return 'libmp3lame';
    case 'ogg':
      return 'libopus';
    case 'm4a':
      return 'aac';
  }
}

/** ffmpeg's output options of one `ExtractAudioOptions`. */
function outputOptions(options: ExtractAudioOptions, limits: MediaLimits): string[] {
  const { format, bitDepth } = options;
  return [
    '-vn',
    '-t',
    String(limits.maxSeconds), // a header that lies cannot make it work longer than a task may
    '-ac',
    String(options.channels),
    '-ar',
    String(options.sampleRate),
    '-c:a',
    codecOf(options),
    ...(format === 'flac' ? ['-sample_fmt', bitDepth === 16 ? 's16' : 's32'] : []),
    ...(format === 'flac' && bitDepth === 24 ? ['-bits_per_raw_sample', '24'] : []),
    ...(format === 'm4a' ? ['-movflags', 'frag_keyframe+empty_moov'] : []),
    '-f',
    AUDIO_OUTPUT_FORMATS[format].muxer,
  ];
}

/**
 * Extracts and converts the first audio stream of a media file, streamed as ffmpeg writes it.
 * m4a is written as fragmented MP4 so it can stream; opus in ogg only takes 8/12/16/24/48 kHz.
 * flac is written to a temporary file first (ffmpeg finalises a FLAC header — duration, sample
 * count, checksum — only on a seekable output) and streamed from there once ffmpeg is done; the
 * file is deleted when the stream closes. The input is read through the demuxer whitelist, at
 * most `limits.maxSeconds` of it, and ffmpeg has a watchdog (`limits.stallTimeoutMs`).
 *
 * Destroying the returned stream (a client that went away) kills ffmpeg.
 * @returns a stream of the encoded file; it errors with MediaError `decode_failed` if ffmpeg
 *   fails, `unreadable` if it stalls
 */
export function extractAudio(
  path: string,
  options: ExtractAudioOptions,
  limits: MediaLimits = DEFAULT_MEDIA_LIMITS,
): Readable {
  const output = new PassThrough();
  const toFile = options.format === 'flac';
  const start = (target: string) => {
    const tool = new MediaProcess(
      'ffmpeg',
      [...FFMPEG_PROGRESS, ...guardedInput(path), ...outputOptions(options, limits), target],
      { stallTimeoutMs: limits.stallTimeoutMs },
    );
    output.on('close', () => tool.abandon());
    if (!toFile) tool.stdout.pipe(output, { end: false });
    else tool.stdout.resume();
    void tool.exited.then((exit) => {
      if (output.destroyed) return;
      if (exit.code === 0) {
        if (!toFile) return void output.end();
        const written = createReadStream(target);
        written.on('error', (error) => output.destroy(error));
        return void written.pipe(output);
      }
      output.destroy(
        exit.stalled
          ? stalledError(limits, 'Extracting the audio')
          : new MediaError('decode_failed', `ffmpeg could not extract the audio: ${ffmpegReason(exit.stderr)}`),
      );
    });
  };
  if (!toFile) {
    start('pipe:1');
    return output;
  }
  void mkdtemp(join(tmpdir(), 'hark-extract-')).then(
    (dir) => {
      output.on('close', () => void rm(dir, { recursive: true, force: true }));
      if (!output.destroyed) start(join(dir, 'audio.flac')); // unless the client went away already
    },
    (error: Error) => output.destroy(error),
  );
  return output;
}
