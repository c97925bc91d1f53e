import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { Agent } from 'node:http';
import { join } from 'node:path';
import { HarkConfig } from '@app/config';
import { LinkResolverService } from '@app/crawlers';
import { HttpClient } from '@app/http';
import { MediaError, MediaTools } from '@app/media';
import { type TaskEntity, TaskRepository, toLinkMetadata } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import type { Stage, TaskRun } from './stage';

/**
 * The media of a `url` task (downloaded from `file_url`) or of a `link` task (what its share link
 * resolves to), stored under STORAGE_DIR/downloads and recorded on the task. Skipped for uploads,
 * and for media an earlier attempt already fetched.
 */
@Injectable()
export class FetchMediaStage implements Stage {
  readonly name = 'fetch-media';

  constructor(
    private readonly taskRepository: TaskRepository,
    private readonly media: MediaTools,
    private readonly links: LinkResolverService,
    private readonly config: HarkConfig,
    private readonly http: HttpClient,
  ) {}

  skips({ task }: TaskRun): boolean {
    return task.source === 'upload' || Boolean(task.mediaPath && existsSync(task.mediaPath));
  }

  /** @throws LinkError, HttpRequestError, or MediaError when the download is not audio/video */
  async run(run: TaskRun): Promise<void> {
    run.task = await this.fetchMedia(run.task, run.signal);
  }

  /**
   * The media of a `url` task, or of a `link` task: its share link is resolved first (the result
   * is recorded on the task) and the media downloaded with the headers and proxy the platform needs.
   */
  private async fetchMedia(task: TaskEntity, signal: AbortSignal): Promise<TaskEntity> {
    if (task.source !== 'link') return this.download(task, task.sourceUrl!, signal);
    const media = await this.links.resolve(this.links.find(task.sourceUrl!, task.platform ?? undefined), signal);
    const link = toLinkMetadata(media);
    await this.taskRepository.setLink(task.id, link);
    const named = { ...task, link, fileName: task.fileName ?? `${media.platform}-${media.videoId}.mp4` };
    return this.download(named, media.mediaUrl, signal, media.headers, this.links.networkFor(media.platform));
  }

  /**
   * Downloads media into STORAGE_DIR/downloads, checks it with ffprobe and records it on the task.
   * @throws HttpRequestError (code `download_failed`, see `retryable`), or MediaError when the
   *   download is not audio/video, is a playlist (`unsupported_format`) or is too long (`too_long`)
   */
  private async download(
    task: TaskEntity,
    url: string,
    signal: AbortSignal,
    headers?: Record<string, string>,
    network: { proxy?: Agent; allowedHosts: ReadonlySet<string> } = { allowedHosts: this.config.allowedUrlHosts },
  ): Promise<TaskEntity> {
    const dir = join(this.config.storageDir, 'downloads');
    await mkdir(dir, { recursive: true });
    const mediaPath = join(dir, task.id);
    const { fileName, bytes } = await this.http.download(url, mediaPath, {
      allowedHosts: network.allowedHosts,
      timeoutMs: this.config.urlDownloadTimeoutMs,
      maxRedirects: this.config.urlMaxRedirects,
      maxBytes: this.config.maxUploadBytes,
      maxBytesSetting: 'MAX_UPLOAD_BYTES',
      signal,
      headers,
      proxy: network.proxy,
    });
    const info = await this.media.probe(mediaPath).catch(async (error: unknown) => {
      await rm(mediaPath, { force: true });
      // A playlist, a file too long, …: their messages say so; otherwise the download is not media at all.
      const notMedia = error instanceof MediaError && ['empty', 'unreadable', 'no_audio'].includes(error.code);
      throw notMedia ? new MediaError(error.code, `not audio/video: ${error.message}`) : error;
    });
    const media = { mediaPath, fileName: task.fileName ?? fileName, fileSizeBytes: bytes, duration: info.duration };
    await this.taskRepository.setMedia(task.id, media);
    return { ...task, ...media };
  }
}
