import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import {
  DEFAULT_DECODE_OPTIONS,
  type DecodeOptions,
  type ModelCapabilities,
  parseClipTimestamps,
  refusedOptions,
  renameSpeakers,
  SpeakerRenameError,
  withDefaults,
} from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import type { ShareLink } from '@app/crawlers';
import { HarkError } from '@app/errors';
import { MediaTools } from '@app/media';
import { assertFetchableUrl, UrlNotAllowedError } from '@app/http';
import {
  CallbackQueue,
  DependencyMonitor,
  TaskCancellation,
  type TaskEntity,
  type TaskFilter,
  TaskLifecycle,
  type NewTask,
  type TaskOwner,
  TaskQueue,
  type TaskResult,
  TaskRepository,
  within,
} from '@app/tasks';
import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { deploymentReason } from '../engine/capabilities';
import { ServedModels } from '../engine/served-models';
import type { Principal } from '../auth/principal';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_WINDOW_HOURS, requestHash } from '../common/idempotency';
import type { TaskOptionsDto } from './dto/create-task.dto';
import type { DecodeOptionsDto } from './dto/decode-options.dto';

/** The media of a new task: an upload the api stored, a URL the processor will download, or a share link it will resolve. */
export type TaskMedia = { file: Express.Multer.File } | { url: string } | { link: ShareLink };

/** An `Idempotency-Key` of a creating request, and what else identifies the request besides the task's fields. */
export interface Idempotency {
  key: string;
  /** Request fields that are not the task's (e.g. OpenAI's `model` and `response_format`). */
  extra?: Record<string, unknown>;
}

/** What `createIdempotent` did: created the task, or found the one an earlier request with the same key created. */
export interface CreatedTask {
  task: TaskEntity;
  /** True when the task is an earlier request's (nothing was created). */
  replayed: boolean;
}

/**
 * Whose tasks a principal may see and manage: an ordinary key only its own, an admin key (or
 * anyone, when the service has no keys) every task. The one place this rule is decided; every
 * read of a task for a request goes through `TasksService.get` or `list`.
 */
function scopeOf(principal: Principal | undefined): TaskOwner | undefined {
  return principal && !principal.admin ? { name: principal.name, id: principal.id } : undefined;
}

/**
 * Accepts tasks, reads them back, and asks `TaskLifecycle` for their user-driven moves (cancel,
 * delete, retry) and `CallbackQueue` for redeliveries. A task belongs to the API key that created
 * it: other keys (except admin keys) get 404 for it, as if it did not exist.
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
    private readonly monitor: DependencyMonitor,
    private readonly models: ServedModels,
    private readonly config: HarkConfig,
  ) {}

  /**
   * Checks the model (`ServedModels.resolve`), the media (ffprobe for an upload, the address guard
   * for a URL; a share link was found by `LinkResolverService.find`), the decode options (for that
   * model) and the callback URL, stores the task with its model and enqueues it in the model's queue.
   * @throws BadRequestException (400) for a URL that is refused, or options that cannot go
   *   together; UnprocessableEntityException (422) for a model no live processor serves, options
   *   the model cannot apply (`word_timestamps`, `diarize` without the diarization models), or an
   *   upload longer than DIARIZATION_MAX_SECONDS to be diarized; HarkError `dependency_unavailable`
   *   (503) for a model other than the default while Redis is down; MediaError for an upload ffprobe
   *   cannot use
   * @param principal the key that creates the task, and owns it (undefined: the service has no keys)
   */
  async create(media: TaskMedia, options: TaskOptionsDto, principal: Principal | undefined): Promise<TaskEntity> {
    return (await this.createIdempotent(media, options, principal)).task;
  }

  /**
   * `create`, made safe to repeat by an `Idempotency-Key`: the first request with a key creates the
   * task; a repeat by the same owner (API key name; everyone, in an open service) within
   * IDEMPOTENCY_WINDOW_HOURS gets that task back and creates nothing (its upload is deleted).
   * Repeats run one at a time (a Postgres advisory lock on owner and key, held by the transaction
   * that looks the key up and inserts the task), so concurrent repeats also make one task.
   * @param idempotency the key, and what else identifies the request besides the task's fields
   *   (e.g. the response format of OpenAI's endpoints); undefined: a plain `create`
   * @throws HarkError `idempotency_conflict` (409) when the key was used for a different request
   *   (other fields or file content); otherwise as `create`
   */
  async createIdempotent(
    media: TaskMedia,
    options: TaskOptionsDto,
    principal: Principal | undefined,
    idempotency?: Idempotency,
  ): Promise<CreatedTask> {
    const model = await this.models.resolve(options.model);
    const decodeOptions = this.acceptDecodeOptions(options, model.capabilities);
    if (options.callback_url) await this.checkCallbackUrl(options.callback_url);
    // An upload is checked here; a URL or share link is only vetted here and checked by the processor after download.
    const source =
      'file' in media
        ? {
            source: 'upload' as const,
            fileName: media.file.originalname,
            fileSizeBytes: media.file.size,
            mediaPath: media.file.path,
            duration: this.checkDiarizedLength(decodeOptions, (await this.media.probe(media.file.path)).duration),
          }
        : 'link' in media
          ? { source: 'link' as const, sourceUrl: media.link.url, platform: media.link.platform }
          : { source: 'url' as const, sourceUrl: await this.checkFetchable('file_url', media.url) };
    const fields = {
      task: decodeOptions.task,
      language: decodeOptions.language,
      priority: options.priority ?? 'normal',
      decodeOptions,
      callbackUrl: options.callback_url ?? null,
      callbackIncludeResult: options.callback_include_result ?? true,
      apiKeyId: principal?.id ?? null,
      apiKeyName: principal?.name ?? null,
      ...source,
    };
    // The queue limit is checked in the transaction of an idempotent request: a repeat is not refused for the task it repeats.
    const insert = async (tasks: TaskRepository, extra: Partial<NewTask> = {}) => {
      if (principal) await this.checkQueuedLimit(principal, tasks);
      // `language_requested` and `model` are kept out of `fields` so request hashes stay as they were.
      return tasks.create({
        id: randomUUID(),
        ...fields,
        languageRequested: fields.language,
        model: model.name,
        ...extra,
      });
    };
    if (!idempotency) {
      const task = await insert(this.taskRepository);
      await this.enqueue(task);
      return { task, replayed: false };
    }
    const { key } = idempotency;
    const owner = fields.apiKeyName;
    const hash = await requestHash(
      {
        ...fields,
        apiKeyId: undefined,
        apiKeyName: undefined,
        fileName: undefined,
        mediaPath: undefined,
        // The default model hashes as before models were named, so such requests keep their hashes.
        model: model.name === this.models.defaultModel ? undefined : model.name,
        extra: idempotency.extra,
      },
      'file' in media ? media.file.path : undefined,
    );
    const since = new Date(Date.now() - IDEMPOTENCY_WINDOW_HOURS * 3600_000);
    const outcome = await this.taskRepository.withIdempotencyLock(owner, key, async (tasks) => {
      const original = await tasks.findByIdempotencyKey(owner, key, since);
      if (!original) return { task: await insert(tasks, { idempotencyKey: key, requestHash: hash }), replayed: false };
      if (original.requestHash !== hash) {
        throw new HarkError(
          'idempotency_conflict',
          `Idempotency-Key "${key}" was already used for a different request (task ${original.id}, created ${original.createdAt.toISOString()}) with other fields or another file. Send this request with a new key, or repeat the original request unchanged to get its task.`,
          false,
          { field: IDEMPOTENCY_KEY_HEADER },
        );
      }
      return { task: original, replayed: true };
    });
    if (!outcome.replayed) await this.enqueue(outcome.task);
    else if ('file' in media) await rm(media.file.path, { force: true }); // the original keeps its own copy
    return outcome;
  }

  /**
   * @throws HarkError `rate_limit_exceeded` (429) when the key (by name, admin keys too) already has
   *   MAX_QUEUED_TASKS_PER_KEY unfinished tasks
   */
  private async checkQueuedLimit(principal: Principal, tasks = this.taskRepository): Promise<void> {
    const limit = this.config.maxQueuedTasksPerKey;
    if (limit > 0 && (await tasks.countUnfinished(principal)) >= limit) {
      throw new HarkError(
        'rate_limit_exceeded',
        `This API key already has ${limit} queued or processing tasks (MAX_QUEUED_TASKS_PER_KEY); wait for some to finish.`,
      );
    }
  }

  /**
   * The task, if `principal` may see it (see `scopeOf`).
   * @throws NotFoundException (404) when no task has this id, or it belongs to another key (the
   *   same answer, so ids of other keys' tasks cannot be probed)
   */
  async get(id: string, principal: Principal | undefined): Promise<TaskEntity> {
    const task = await this.taskRepository.findById(id, scopeOf(principal));
    if (!task) throw new NotFoundException(`No task with id ${id}. Check the id returned by POST /api/v1/tasks.`);
    return task;
  }

  /** One page of the tasks `principal` may see (its own; every task for an admin key or an open service). */
  list(
    filter: TaskFilter,
    limit: number,
    offset: number,
    principal: Principal | undefined,
  ): Promise<{ items: TaskEntity[]; total: number }> {
    return this.taskRepository.list(filter, limit, offset, scopeOf(principal));
  }

  /**
   * Cancels a queued or processing task: its job leaves the queue, or the processor working on it
   * stops; the task keeps its row (status `cancelled`) and can be retried.
   * @throws ConflictException (409) when the task already finished
   */
  async cancel(id: string, principal: Principal | undefined): Promise<TaskEntity> {
    const task = await this.get(id, principal);
    const cancelled = await this.lifecycle.cancel(id);
    if (!cancelled)
      throw new ConflictException(`Task ${id} is ${task.status}; only queued or processing tasks can be cancelled.`);
    await this.stopWork(task);
    return cancelled;
  }

  /**
   * Deletes a task with its stored media. An unfinished task is cancelled first (its callback, if
   * any, reports `cancelled`).
   */
  async remove(id: string, principal: Principal | undefined): Promise<void> {
    const task = await this.get(id, principal);
    if (await this.lifecycle.cancel(id)) await this.stopWork(task);
    await this.taskRepository.remove(id);
    if (task.mediaPath) await rm(task.mediaPath, { force: true });
  }

  /**
   * Runs a failed or cancelled task again (a new attempt, same id). A `url` or `link` task downloads
   * its media again; an upload needs its stored file.
   * @throws ConflictException (409) for any other status, or while a processor is still stopping it;
   *   HarkError `media_gone` (410) for an upload whose media retention removed (MEDIA_RETENTION_HOURS)
   */
  async retry(id: string, principal: Principal | undefined): Promise<TaskEntity> {
    const task = await this.get(id, principal);
    if (task.status !== 'failed' && task.status !== 'cancelled') {
      throw new ConflictException(`Task ${id} is ${task.status}; only failed or cancelled tasks can be retried.`);
    }
    if (task.source === 'upload' && task.mediaRemovedAt) throw this.mediaGone(id, task.mediaRemovedAt);
    if (!(await within(this.queue.removeJob(task), 'redis')))
      throw new ConflictException(`Task ${id} is still being stopped by a processor; retry in a few seconds.`);
    const queued = await this.lifecycle.retry(id);
    if (!queued) throw new ConflictException(`Task ${id} changed meanwhile; fetch it and try again.`);
    if (queued.source === 'upload' && !queued.mediaPath) {
      // Retention removed the media between the check above and the retry: the attempt cannot run.
      const error = this.mediaGone(id, queued.mediaRemovedAt ?? new Date());
      await this.lifecycle.fail(id, error.message, 'media_gone');
      throw error;
    }
    await this.enqueue(queued);
    return queued;
  }

  /**
   * Where a task's stored media is, to be served (for a player: with HTTP Range).
   * @throws NotFoundException (404) as `get`; HarkError `media_gone` (410) once retention removed
   *   it (MEDIA_RETENTION_HOURS) or the file is no longer there; ConflictException (409) for a URL
   *   or share-link task whose media is not downloaded yet
   */
  async mediaFile(id: string, principal: Principal | undefined): Promise<{ path: string; fileName: string | null }> {
    const task = await this.get(id, principal);
    if (task.mediaRemovedAt) {
      throw new HarkError(
        'media_gone',
        `The media of task ${id} was removed by retention on ${task.mediaRemovedAt.toISOString()} (MEDIA_RETENTION_HOURS=${this.config.mediaRetentionHours} after the task finished); the transcript stays available.`,
      );
    }
    if (!task.mediaPath) {
      throw new ConflictException(
        `Task ${id} has no media yet: its ${task.source === 'link' ? 'share link' : 'URL'} is downloaded when a processor takes it; try again once it is processing.`,
      );
    }
    if (!existsSync(task.mediaPath))
      throw new HarkError('media_gone', `The media of task ${id} is no longer stored; the transcript stays available.`);
    return { path: task.mediaPath, fileName: task.fileName };
  }

  /** 410 for a retry of an upload whose media retention removed. */
  private mediaGone(id: string, removedAt: Date): HarkError {
    return new HarkError(
      'media_gone',
      `The media of task ${id} was removed by retention on ${removedAt.toISOString()} (MEDIA_RETENTION_HOURS=${this.config.mediaRetentionHours} after the task finished), so it cannot run again. Create a new task with the file (POST /api/v1/tasks); the result of this one, if any, stays available.`,
    );
  }

  /**
   * Renames the speakers of a completed, diarized task (`renameSpeakers` of the engine): each label
   * (`SPEAKER_00`, or a name given earlier) becomes its new name in the segments, words and
   * `speakers` of the stored transcript; labels left out keep theirs, and all change at once (two
   * may be swapped). The callback, already sent, is not sent again.
   * @param names the request body: current label → new name (checked here)
   * @throws BadRequestException (400) for a body that is not an object of names, a task without
   *   speakers (not diarized), or names that cannot be given (details per label: unknown label,
   *   empty, too long, not one line, one name for two speakers, a name another speaker keeps);
   *   NotFoundException (404) as `get`; ConflictException (409) while the task is not completed
   *   (or when another rename changed it meanwhile)
   */
  async renameSpeakers(id: string, names: unknown, principal: Principal | undefined): Promise<TaskEntity> {
    const example = '{"SPEAKER_00": "Alice", "SPEAKER_01": "Bob"}';
    if (typeof names !== 'object' || names === null || Array.isArray(names)) {
      throw new BadRequestException({
        message: `The body must be a JSON object from speaker label to new name, e.g. ${example}, sent with Content-Type: application/json.`,
        details: [{ field: 'body', problems: ['must be a JSON object of speaker label → new name'] }],
      });
    }
    const task = await this.get(id, principal);
    const result = this.completedResult(task);
    const labels = result.speakers?.map((speaker) => speaker.speaker);
    if (!labels) {
      const why = task.decodeOptions?.diarize
        ? 'diarization found no speech in it, so there are no speakers to rename'
        : 'it was created without diarize=true. Create a new task with diarize=true (GET /api/v1/engine → diarization.available says whether this server can) to get speakers';
      throw new BadRequestException({
        message: `Task ${id} has no speakers: ${why}.`,
        details: [{ field: 'diarize', problems: [`task ${id} has no speakers`] }],
      });
    }
    if (!Object.keys(names).length) {
      throw new BadRequestException({
        message: `The body names no speakers: send the new names by label, e.g. ${example}. The speakers of task ${id} are ${labels.join(', ')}.`,
        details: [{ field: 'body', problems: ['names no speaker'] }],
      });
    }
    let renamed: TaskResult;
    try {
      renamed = renameSpeakers(result, names as Record<string, string>);
    } catch (error) {
      if (!(error instanceof SpeakerRenameError)) throw error;
      const byLabel = new Map<string, string[]>();
      for (const { field, problem } of error.problems) byLabel.set(field, [...(byLabel.get(field) ?? []), problem]);
      throw new BadRequestException({
        message: `The speakers cannot be renamed: ${error.message}. Send {"<label>": "<new name>"} for labels of this task (${labels.join(', ')}), each with a different non-empty one-line name.`,
        details: [...byLabel].map(([field, problems]) => ({ field, problems })),
      });
    }
    const saved = await this.taskRepository.saveResult(id, renamed, result);
    if (saved) return saved;
    // Gone, no longer completed (deleted, or retried), or renamed by another request meanwhile.
    const current = await this.get(id, principal);
    this.completedResult(current);
    throw new ConflictException(
      `The speakers of task ${id} were changed by another request meanwhile; fetch the task (GET /api/v1/tasks/${id}) and send the names again.`,
    );
  }

  /**
   * The transcript of a completed task.
   * @throws ConflictException (409) for any other status: wait for an unfinished task, retry a failed or cancelled one
   */
  private completedResult(task: TaskEntity): TaskResult {
    if (task.status === 'completed' && task.result) return task.result;
    const advice =
      task.status === 'queued' || task.status === 'processing'
        ? `wait until it is completed (GET /api/v1/tasks/${task.id} shows its status and progress), then send the names again`
        : `it has no transcript; retry it (POST /api/v1/tasks/${task.id}/retry), wait until it is completed, then send the names again`;
    throw new ConflictException(
      `Task ${task.id} is ${task.status}; speakers can be renamed once it is completed: ${advice}.`,
    );
  }

  /**
   * Sends a finished task's callback again, with the same delivery id (`X-Hark-Delivery-Id`).
   * @throws ConflictException (409) when the task has no callback URL or has not finished, or while
   *   a processor is sending its callback
   */
  async redeliverCallback(id: string, principal: Principal | undefined): Promise<TaskEntity> {
    const task = await this.get(id, principal);
    if (!task.callbackUrl) throw new ConflictException(`Task ${id} has no callback_url.`);
    if (task.status === 'queued' || task.status === 'processing')
      throw new ConflictException(`Task ${id} is ${task.status}; its callback is sent when it finishes.`);
    if (!this.config.callbackSecret) throw new ConflictException('Callbacks are disabled: set CALLBACK_SECRET.');
    if (!(await within(this.callbacks.redeliver(task), 'redis')))
      throw new ConflictException(
        `The callback of task ${id} is being sent right now; wait until its callback_status is no longer pending, then redeliver again if it is still needed.`,
      );
    return this.get(id, principal);
  }

  /**
   * Removes the job if it is waiting; otherwise tells the processor holding it to stop. Best
   * effort: the task's status in Postgres already says it is over, so a job that Redis could not
   * remove now is skipped when a processor takes it, and a processor still working on it has
   * every write refused.
   */
  private async stopWork(task: Pick<TaskEntity, 'id' | 'model'>): Promise<void> {
    const { id } = task;
    try {
      if (!(await within(this.queue.removeJob(task), 'redis'))) await within(this.cancellation.publish(id), 'redis');
    } catch (error) {
      this.logger.warn(
        `Task ${id}: could not reach Redis to stop its job (${error instanceof Error ? error.message : String(error)}); the task is stopped in Postgres`,
      );
    }
  }

  /**
   * Fills in the defaults and refuses what the engine cannot do with the task's model.
   * @param capabilities what the task's model can give besides text (`ServedModels.resolve`)
   * @throws BadRequestException (400) for invalid `clip_timestamps` (or more ranges than
   *   MAX_CLIP_RANGES), or diarization options that
   *   cannot go together (`checkDiarizationOptions`); UnprocessableEntityException (422) naming
   *   every option the engine cannot apply, and why (a refused `diarize` names the missing models)
   */
  private acceptDecodeOptions(options: DecodeOptionsDto, capabilities: ModelCapabilities): DecodeOptions {
    // Only the decode options (the DTO also carries file_url, priority, callback fields).
    const given = Object.fromEntries(
      Object.keys(DEFAULT_DECODE_OPTIONS).map((key) => [key, options[key as keyof DecodeOptionsDto]]),
    );
    const decode = withDefaults(given);
    try {
      parseClipTimestamps(decode.clip_timestamps, this.config.maxClipRanges);
    } catch (error) {
      throw new BadRequestException({
        message: (error as Error).message,
        details: [{ field: 'clip_timestamps', problems: [(error as Error).message] }],
      });
    }
    this.checkDiarizationOptions(decode, given);
    const refused = refusedOptions(decode, capabilities).map((refusal) => ({
      ...refusal,
      reason: deploymentReason(refusal.option, refusal.reason, this.config) ?? refusal.reason,
    }));
    if (refused.length) {
      throw new UnprocessableEntityException({
        message: `The engine cannot apply: ${refused.map((r) => `${r.option}=${JSON.stringify(r.value)} (${r.reason})`).join('; ')}. Leave these options out or use their defaults; GET /api/v1/engine lists what is supported.`,
        details: refused.map((r) => ({ field: r.option, problems: [r.reason] })),
      });
    }
    return decode;
  }

  /**
   * `num_speakers` and `diarization_threshold` only tune diarization, and only one of them is used.
   * @param given the decode options as the request gave them (undefined: left out)
   * @throws BadRequestException (400) for either without `diarize=true`, or both together (the
   *   threshold is not used when the number of speakers is given), naming the fix
   */
  private checkDiarizationOptions(decode: DecodeOptions, given: Record<string, unknown>): void {
    const tuning = (['num_speakers', 'diarization_threshold'] as const).filter((field) => given[field] !== undefined);
    const details = !decode.diarize
      ? tuning.map((field) => ({
          field,
          problems: [`${field} only applies to speaker diarization: set diarize=true too, or leave ${field} out`],
        }))
      : tuning.length === 2
        ? [
            {
              field: 'diarization_threshold',
              problems: [
                'diarization_threshold is not used when num_speakers is given (the number of speakers is then fixed, not found by the threshold): leave one of them out',
              ],
            },
          ]
        : [];
    if (details.length)
      throw new BadRequestException({ message: details.flatMap((detail) => detail.problems).join('; '), details });
  }

  /**
   * An upload's duration, checked against DIARIZATION_MAX_SECONDS when it is to be diarized
   * (diarization holds the whole file's audio in memory). Media the processor downloads is checked
   * there, once its length is known.
   * @param duration seconds, as ffprobe reads them from the header
   * @throws UnprocessableEntityException (422) for `diarize=true` and a longer file
   */
  private checkDiarizedLength(decode: DecodeOptions, duration: number): number {
    const limit = this.config.diarizationMaxSeconds;
    if (!decode.diarize || !(duration > limit)) return duration;
    const problem = `the file lasts ${duration.toFixed(1)} s, longer than the ${limit} s that speaker diarization takes (DIARIZATION_MAX_SECONDS)`;
    throw new UnprocessableEntityException({
      message: `Cannot diarize: ${problem}. Send a shorter file (e.g. cut it with ffmpeg -t ${limit}), leave out diarize=true, or raise DIARIZATION_MAX_SECONDS on the server (diarization holds the whole file's audio in memory: about 115 MB per hour).`,
      details: [{ field: 'file', problems: [problem] }],
    });
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
    try {
      this.monitor.assertUp(['redis']);
      await within(this.queue.enqueue(task), 'redis');
    } catch (error) {
      this.logger.warn(
        `Task ${task.id} stored but not yet enqueued (${error instanceof Error ? error.message : String(error)}); the reconciler will enqueue it`,
      );
    }
  }
}
