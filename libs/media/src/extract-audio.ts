import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { ffmpegReason } from './ffmpeg-error';
import { MediaError } from './media-info';

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

/**
 * Extracts and converts the first audio stream of a media file, streamed as ffmpeg writes it.
 * m4a is written as fragmented MP4 so it can stream; opus in ogg only takes 8/12/16/24/48 kHz.
 * flac is written to a temporary file first (ffmpeg finalises a FLAC header — duration, sample
 * count, checksum — only on a seekable output) and streamed from there once ffmpeg is done; the
 * file is deleted when the stream closes.
 * @returns a stream of the encoded file; it errors with MediaError `decode_failed` if ffmpeg fails
 */
export function extractAudio(path: string, options: ExtractAudioOptions): Readable {
  const output = new PassThrough();
  let stderr = '';
  const fail = (error: Error) => {
    if (!output.destroyed)
      output.destroy(
        new MediaError('decode_failed', `ffmpeg could not extract the audio: ${ffmpegReason(error, stderr)}`),
      );
  };
  const command = ffmpeg(path)
    .noVideo()
    .audioChannels(options.channels)
    .audioFrequency(options.sampleRate)
    .audioCodec(codecOf(options))
    .format(AUDIO_OUTPUT_FORMATS[options.format].muxer)
    .on('stderr', (line: string) => {
      stderr = `${stderr}\n${line}`.slice(-4000);
    })
    .on('error', fail);
  if (options.format === 'flac')
    command.outputOptions([
      '-sample_fmt',
      options.bitDepth === 16 ? 's16' : 's32',
      ...(options.bitDepth === 24 ? ['-bits_per_raw_sample', '24'] : []),
    ]);
  if (options.format === 'm4a') command.outputOptions(['-movflags', 'frag_keyframe+empty_moov']);
  output.on('close', () => command.kill('SIGKILL'));
  if (options.format !== 'flac') {
    command.pipe(output, { end: true });
    return output;
  }
  void mkdtemp(join(tmpdir(), 'hark-extract-')).then(
    (dir) => {
      const file = join(dir, 'audio.flac');
      output.on('close', () => void rm(dir, { recursive: true, force: true }));
      if (output.destroyed) return; // the client went away before anything started
      command
        .on('end', () => {
          if (output.destroyed) return;
          const written = createReadStream(file);
          written.on('error', (error) => output.destroy(error));
          written.pipe(output);
        })
        .save(file);
    },
    (error: Error) => output.destroy(error),
  );
  return output;
}
