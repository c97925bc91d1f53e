import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { decodePcm } from './decode';
import { type ExtractAudioOptions, extractAudio } from './extract-audio';
import type { MediaInfo } from './media-info';
import { probeMedia } from './probe';

/**
 * What Hark does with media files (ffprobe and ffmpeg), as an injectable adapter: services depend
 * on this class, and a unit test can provide another implementation where that is the point.
 * Errors are `MediaError`s.
 */
export abstract class MediaTools {
  /** Container, duration (s) and first audio stream. @throws MediaError `empty`, `unreadable`, `no_audio` */
  abstract probe(path: string): Promise<MediaInfo>;

  /**
   * The first audio stream as Float32 mono PCM at 16 kHz, streamed, from `startSeconds` on.
   * @throws MediaError `decode_failed`
   */
  abstract decode(path: string, signal?: AbortSignal, startSeconds?: number): AsyncGenerator<Float32Array>;

  /** The first audio stream converted to a file format, streamed. The stream errors with MediaError `decode_failed`. */
  abstract extractAudio(path: string, options: ExtractAudioOptions): Readable;
}

/** `MediaTools` on the ffprobe and ffmpeg of the machine, through fluent-ffmpeg. */
@Injectable()
export class FfmpegMediaTools extends MediaTools {
  probe(path: string): Promise<MediaInfo> {
    return probeMedia(path);
  }

  decode(path: string, signal?: AbortSignal, startSeconds = 0): AsyncGenerator<Float32Array> {
    return decodePcm(path, signal, startSeconds);
  }

  extractAudio(path: string, options: ExtractAudioOptions): Readable {
    return extractAudio(path, options);
  }
}
