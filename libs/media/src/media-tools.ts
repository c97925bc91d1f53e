import type { Readable } from 'node:stream';
import { HarkConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { decodePcm } from './decode';
import { type ExtractAudioOptions, extractAudio } from './extract-audio';
import type { MediaInfo, MediaLimits } from './media-info';
import { probeMedia } from './probe';

/**
 * What Hark does with media files (ffprobe and ffmpeg), as an injectable adapter: services depend
 * on this class, and a unit test can provide another implementation where that is the point.
 * Every file is read through the demuxer whitelist, within MAX_AUDIO_SECONDS, by a tool with a
 * watchdog (MEDIA_STALL_TIMEOUT_S). Errors are `MediaError`s.
 */
export abstract class MediaTools {
  /**
   * Container, duration (s) and first audio stream.
   * @throws MediaError `empty`, `unreadable`, `unsupported_format`, `no_audio`, `too_long`
   */
  abstract probe(path: string): Promise<MediaInfo>;

  /**
   * The first audio stream as Float32 mono PCM at 16 kHz, streamed, from `startSeconds` on.
   * @throws MediaError `decode_failed`, `unreadable` (stalled), `too_long`
   */
  abstract decode(path: string, signal?: AbortSignal, startSeconds?: number): AsyncGenerator<Float32Array>;

  /**
   * The first audio stream converted to a file format, streamed; destroying the stream stops
   * ffmpeg. The stream errors with MediaError `decode_failed` or `unreadable`.
   */
  abstract extractAudio(path: string, options: ExtractAudioOptions): Readable;
}

/** `MediaTools` on the ffprobe and ffmpeg of the machine, with the limits of the configuration. */
@Injectable()
export class FfmpegMediaTools extends MediaTools {
  private readonly limits: MediaLimits;

  constructor(config: HarkConfig) {
    super();
    this.limits = { maxSeconds: config.maxAudioSeconds, stallTimeoutMs: config.mediaStallTimeoutMs };
  }

  probe(path: string): Promise<MediaInfo> {
    return probeMedia(path, this.limits);
  }

  decode(path: string, signal?: AbortSignal, startSeconds = 0): AsyncGenerator<Float32Array> {
    return decodePcm(path, signal, startSeconds, this.limits);
  }

  extractAudio(path: string, options: ExtractAudioOptions): Readable {
    return extractAudio(path, options, this.limits);
  }
}
