import type { DecodeOptions } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import { HarkError } from '@app/errors';
import { assertFetchableUrl, UrlNotAllowedError } from '@app/http';
import { MediaTools } from '@app/media';
import type { NewTask } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import type { TaskMedia } from './create-task.command';

/** Where a new task's media comes from, as the task stores it. */
export type TaskSource = Pick<NewTask, 'source'> &
  Partial<Pick<NewTask, 'fileName' | 'fileSizeBytes' | 'mediaPath' | 'duration' | 'sourceUrl' | 'platform'>>;

/**
 * Checks what a new task reaches out to: its media (ffprobe for an upload, the address guard for
 * a URL; a share link was found by `LinkResolverService.find`) and its callback URL.
 */
@Injectable()
export class TaskSources {
  constructor(
    private readonly media: MediaTools,
    private readonly config: HarkConfig,
  ) {}

  /**
   * The task's source fields. An upload is checked here; a URL or share link is only vetted here
   * and checked by the processor after download.
   * @throws HarkError `url_not_allowed` (400) for a URL the address guard refuses; `too_long` (422)
   *   for an upload to be diarized that is longer than DIARIZATION_MAX_SECONDS; MediaError for an
   *   upload ffprobe cannot use
   */
  async of(media: TaskMedia, decode: DecodeOptions): Promise<TaskSource> {
    if ('file' in media) {
      return {
        source: 'upload',
        fileName: media.file.originalname,
        fileSizeBytes: media.file.size,
        mediaPath: media.file.path,
        duration: this.checkDiarizedLength(decode, (await this.media.probe(media.file.path)).duration),
      };
    }
    if ('link' in media) return { source: 'link', sourceUrl: media.link.url, platform: media.link.platform };
    return { source: 'url', sourceUrl: await this.checkFetchable('file_url', media.url) };
  }

  /**
   * @throws HarkError `invalid_request` (400) while callbacks are disabled (no CALLBACK_SECRET);
   *   `url_not_allowed` (400) for a URL the address guard refuses
   */
  async checkCallbackUrl(url: string): Promise<void> {
    if (!this.config.callbackSecret) {
      throw new HarkError(
        'invalid_request',
        'callback_url cannot be used: callbacks are disabled on this server until CALLBACK_SECRET is set (callbacks are always signed).',
        false,
        { details: [{ field: 'callback_url', problems: ['callbacks are disabled (no CALLBACK_SECRET)'] }] },
      );
    }
    await this.checkFetchable('callback_url', url);
  }

  /**
   * An upload's duration, checked against DIARIZATION_MAX_SECONDS when it is to be diarized
   * (diarization holds the whole file's audio in memory). Media the processor downloads is checked
   * there, once its length is known.
   * @param duration seconds, as ffprobe reads them from the header
   * @throws HarkError `too_long` (422) for `diarize=true` and a longer file
   */
  private checkDiarizedLength(decode: DecodeOptions, duration: number): number {
    const limit = this.config.diarizationMaxSeconds;
    if (!decode.diarize || !(duration > limit)) return duration;
    const problem = `the file lasts ${duration.toFixed(1)} s, longer than the ${limit} s that speaker diarization takes (DIARIZATION_MAX_SECONDS)`;
    throw new HarkError(
      'too_long',
      `Cannot diarize: ${problem}. Send a shorter file (e.g. cut it with ffmpeg -t ${limit}), leave out diarize=true, or raise DIARIZATION_MAX_SECONDS on the server (diarization holds the whole file's audio in memory: about 115 MB per hour).`,
      false,
      { details: [{ field: 'file', problems: [problem] }] },
    );
  }

  /** @throws HarkError `url_not_allowed` (400) naming `field` when the URL is refused by the address guard */
  private async checkFetchable(field: string, url: string): Promise<string> {
    await assertFetchableUrl(url, this.config.allowedUrlHosts).catch((error: Error) => {
      if (!(error instanceof UrlNotAllowedError)) throw error;
      throw new HarkError('url_not_allowed', `${field} is refused: ${error.message}`, false, {
        cause: error,
        details: [{ field, problems: [error.message] }],
      });
    });
    return url;
  }
}
