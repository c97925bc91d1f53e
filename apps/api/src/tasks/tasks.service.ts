import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import {
  DEFAULT_DECODE_OPTIONS,
  type DecodeOptions,
  parseClipTimestamps,
  refusedOptions,
  withDefaults,
} from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import type { ShareLink } from '@app/crawlers';
import { HarkError } from '@app/errors';
import { MediaTools } from '@app/media';
import { assertFetchableUrl, UrlNotAllowedError } from '@app/http';
import {
  CallbackQueue,
  TaskCancellation,
  type TaskEntity,
  type TaskFilter,
  TaskLifecycle,
  TaskQueue,
  TaskRepository,
} from '@app/tasks';
import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { TaskOptionsDto } from './dto/create-task.dto';
import type { DecodeOptionsDto } from './dto/decode-options.dto';

/** How long an API request waits for Redis before leaving the enqueue to the reconciler. */
const ENQUEUE_WAIT_MS = 2000;

/** The media of a new task: an upload the api stored, a URL the processor will download, or a share link it will resolve. */
export type TaskMedia = { file: Express.Multer.File } | { url: string } | { link: ShareLink };

/**
 * Accepts tasks, reads them back, and asks `TaskLifecycle` for their user-driven moves (cancel,
 * delete, retry) and `CallbackQueue` for redeliveries.
 */
@Injectable()
export class TasksService {
  private readonly logger = new Logger(TasksService.name);

  constructor(
    private readonly taskRepository: TaskRepository,
    private readonly lifecycle: TaskLifecycle,
    private readonly queue: TaskQueue,
    private readonly callbacks: CallbackQueue,
    private readonly cancellation: TaskCancellation,
    private readonly media: MediaTools,
    private readonly config: HarkConfig,
  ) {}

  /**
   * Checks the media (ffprobe for an upload, the address guard for a URL; a share link was found by
   * `LinkResolverService.find`), the decode options and the callback URL, stores the task and enqueues it.
   * @throws BadRequestException (400) for a URL that is refused; UnprocessableEntityException
   *   (422) for options the engine cannot apply; MediaError for an upload ffprobe cannot use
   */
  async create(media: TaskMedia, options: TaskOptionsDto, apiKeyId?: string): Promise<TaskEntity> {
    const decodeOptions = this.acceptDecodeOptions(options);
    if (apiKeyId) await this.checkQueuedLimit(apiKeyId);
    if (options.callback_url) await this.checkCallbackUrl(options.callback_url);
    // An upload is checked here; a URL or share link is only vetted here and checked by the processor after download.
    const source =
      'file' in media
        ? {
            source: 'upload' as const,
            fileName: media.file.originalname,
            fileSizeBytes: media.file.size,
            mediaPath: media.file.path,
            duration: (await this.media.probe(media.file.path)).duration,
          }
        : 'link' in media
          ? { source: 'link' as const, sourceUrl: media.link.url, platform: media.link.platform }
          : { source: 'url' as const, sourceUrl: await this.checkFetchable('file_url', media.url) };
    const task = await this.taskRepository.create({
      id: randomUUID(),
      task: decodeOptions.task,
      language: decodeOptions.language,
      priority: options.priority ?? 'normal',
      decodeOptions,
      callbackUrl: options.callback_url ?? null,
      callbackIncludeResult: options.callback_include_result ?? true,
      apiKeyId: apiKeyId ?? null,
      ...source,
    });
    await this.enqueue(task);
    return task;
  }

  /**
   * @throws HarkError `rate_limit_exceeded` (429) when the key already has MAX_QUEUED_TASKS_PER_KEY
   *   unfinished tasks
   */
  private async checkQueuedLimit(apiKeyId: string): Promise<void> {
    const limit = this.config.maxQueuedTasksPerKey;
    if (limit > 0 && (await this.taskRepository.countUnfinished(apiKeyId)) >= limit) {
      throw new HarkError(
        'rate_limit_exceeded',
        `This API key already has ${limit} queued or processing tasks (MAX_QUEUED_TASKS_PER_KEY); wait for some to finish.`,
      );
    }
  }

  /** @throws NotFoundException (404) when no task has this id */
  async get(id: string): Promise<TaskEntity> {
    const task = await this.taskRepository.findById(id);
    if (!task) throw new NotFoundException(`No task with id ${id}. Check the id returned by POST /api/v1/tasks.`);
    return task;
  }

  list(filter: TaskFilter, limit: number, offset: number): Promise<{ items: TaskEntity[]; total: number }> {
    return this.taskRepository.list(filter, limit, offset);
  }

  /**
   * Cancels a queued or processing task: its job leaves the queue, or the processor working on it
   * stops; the task keeps its row (status `cancelled`) and can be retried.
   * @throws ConflictException (409) when the task already finished
   */
  async cancel(id: string): Promise<TaskEntity> {
    const task = await this.get(id);
    const cancelled = await this.lifecycle.cancel(id);
    if (!cancelled)
      throw new ConflictException(`Task ${id} is ${task.status}; only queued or processing tasks can be cancelled.`);
    await this.stopWork(id);
    return cancelled;
  }

  /**
   * Deletes a task with its stored media. An unfinished task is cancelled first (its callback, if
   * any, reports `cancelled`).
   */
  async remove(id: string): Promise<void> {
    const task = await this.get(id);
    if (await this.lifecycle.cancel(id)) await this.stopWork(id);
    await this.taskRepository.remove(id);
    if (task.mediaPath) await rm(task.mediaPath, { force: true });
  }

  /**
   * Runs a failed or cancelled task again (a new attempt, same id).
   * @throws ConflictException (409) for any other status, or while a processor is still stopping it
   */
  async retry(id: string): Promise<TaskEntity> {
    const task = await this.get(id);
    if (task.status !== 'failed' && task.status !== 'cancelled') {
      throw new ConflictException(`Task ${id} is ${task.status}; only failed or cancelled tasks can be retried.`);
    }
    if (!(await this.queue.removeJob(id)))
      throw new ConflictException(`Task ${id} is still being stopped by a processor; retry in a few seconds.`);
    const queued = await this.lifecycle.retry(id);
    if (!queued) throw new ConflictException(`Task ${id} changed meanwhile; fetch it and try again.`);
    await this.enqueue(queued);
    return queued;
  }

  /**
   * Sends a finished task's callback again.
   * @throws ConflictException (409) when the task has no callback URL or has not finished
   */
  async redeliverCallback(id: string): Promise<TaskEntity> {
    const task = await this.get(id);
    if (!task.callbackUrl) throw new ConflictException(`Task ${id} has no callback_url.`);
    if (task.status === 'queued' || task.status === 'processing')
      throw new ConflictException(`Task ${id} is ${task.status}; its callback is sent when it finishes.`);
    if (!this.config.callbackSecret) throw new ConflictException('Callbacks are disabled: set CALLBACK_SECRET.');
    await this.callbacks.redeliver(task);
    return this.get(id);
  }

  /** Removes the job if it is waiting; otherwise tells the processor holding it to stop. */
  private async stopWork(id: string): Promise<void> {
    if (!(await this.queue.removeJob(id))) await this.cancellation.publish(id);
  }

  /**
   * Fills in the defaults and refuses what the engine cannot do.
   * @throws UnprocessableEntityException naming every option the engine cannot apply, and why
   */
  private acceptDecodeOptions(options: DecodeOptionsDto): DecodeOptions {
    // Only the decode options (the DTO also carries file_url, priority, callback fields).
    const given = Object.fromEntries(
      Object.keys(DEFAULT_DECODE_OPTIONS).map((key) => [key, options[key as keyof DecodeOptionsDto]]),
    );
    const decode = withDefaults(given);
    try {
      parseClipTimestamps(decode.clip_timestamps);
    } catch (error) {
      throw new BadRequestException({
        message: (error as Error).message,
        details: [{ field: 'clip_timestamps', problems: [(error as Error).message] }],
      });
    }
    const refused = refusedOptions(decode);
    if (refused.length) {
      throw new UnprocessableEntityException({
        message: `The engine cannot apply: ${refused.map((r) => `${r.option}=${JSON.stringify(r.value)} (${r.reason})`).join('; ')}. Leave these options out or use their defaults; GET /api/v1/engine lists what is supported.`,
        details: refused.map((r) => ({ field: r.option, problems: [r.reason] })),
      });
    }
    return decode;
  }

  /** @throws BadRequestException (400) naming `field` when the URL is refused by the address guard */
  private async checkFetchable(field: string, url: string): Promise<string> {
    await assertFetchableUrl(url, this.config.allowedUrlHosts).catch((error: Error) => {
      if (!(error instanceof UrlNotAllowedError)) throw error;
      throw new BadRequestException({
        message: `${field} is refused: ${error.message}`,
        details: [{ field, problems: [error.message] }],
      });
    });
    return url;
  }

  private async checkCallbackUrl(url: string): Promise<void> {
    if (!this.config.callbackSecret) {
      throw new BadRequestException({
        message:
          'callback_url cannot be used: callbacks are disabled on this server until CALLBACK_SECRET is set (callbacks are always signed).',
        details: [{ field: 'callback_url', problems: ['callbacks are disabled (no CALLBACK_SECRET)'] }],
      });
    }
    await this.checkFetchable('callback_url', url);
  }

  /**
   * The task is already safe in Postgres; Redis only carries it. If Redis is slow or down the
   * request does not wait: the processors' reconciler enqueues every task that has no job.
   */
  private async enqueue(task: TaskEntity): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis in ${ENQUEUE_WAIT_MS} ms`)), ENQUEUE_WAIT_MS);
    });
    try {
      await Promise.race([this.queue.enqueue(task), timeout]);
    } catch (error) {
      this.logger.warn(
        `Task ${task.id} stored but not yet enqueued (${error instanceof Error ? error.message : String(error)}); the reconciler will enqueue it`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
