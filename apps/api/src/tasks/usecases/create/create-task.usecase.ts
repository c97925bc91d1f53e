import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { HarkConfig } from '@app/config';
import { HarkError } from '@app/errors';
import { type NewTask, type TaskEntity, TaskRepository } from '@app/tasks';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../../../auth/principal';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_WINDOW_HOURS, requestHash } from '../../../common/idempotency';
import { ServedModels } from '../../../engine/served-models';
import { TaskWork } from '../task-work';
import { acceptDecodeOptions } from './accept-decode-options';
import type { CreateTaskCommand, Idempotency } from './create-task.command';
import { TaskSources } from './task-sources';

/** What `CreateTask` did: created the task, or found the one an earlier request with the same key created. */
export interface CreatedTask {
  task: TaskEntity;
  /** True when the task is an earlier request's (nothing was created). */
  replayed: boolean;
}

/** The fields of a new task that the request decides (all but its id and model), as its request hash covers them. */
type RequestedTask = Omit<NewTask, 'id' | 'model'>;

/**
 * Accepts a task: checks the model (`ServedModels.resolve`), the decode options (for that model),
 * the callback URL and the media (`TaskSources`), stores the task with its model and enqueues it in
 * the model's queue. With an `Idempotency-Key` the creation is safe to repeat: the first request
 * with a key creates the task; a repeat by the same owner (API key name; everyone, in an open
 * service) within IDEMPOTENCY_WINDOW_HOURS gets that task back and creates nothing (its upload is
 * deleted). Repeats run one at a time (a Postgres advisory lock on owner and key, held by the
 * transaction that looks the key up and inserts the task), so concurrent repeats also make one task.
 */
@Injectable()
export class CreateTask {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly models: ServedModels,
    private readonly sources: TaskSources,
    private readonly work: TaskWork,
    private readonly config: HarkConfig,
  ) {}

  /**
   * @throws HarkError `invalid_request` or `url_not_allowed` (400) for a URL that is refused, or
   *   options that cannot go together; `unsupported_option` (422) for options the model cannot
   *   apply (`word_timestamps`, `diarize` without the diarization models); `too_long` (422) for an
   *   upload longer than DIARIZATION_MAX_SECONDS to be diarized; a 422 for a model no live
   *   processor serves; `dependency_unavailable` (503) for a model other than the default while
   *   Redis is down; `rate_limit_exceeded` (429) when the key has MAX_QUEUED_TASKS_PER_KEY
   *   unfinished tasks; `idempotency_conflict` (409) when the key was used for a different request
   *   (other fields or file content); MediaError for an upload ffprobe cannot use
   */
  async execute({ media, options, principal, idempotency }: CreateTaskCommand): Promise<CreatedTask> {
    const model = await this.models.resolve(options.model);
    const decodeOptions = acceptDecodeOptions(options, model.capabilities, this.config);
    if (options.callback_url) await this.sources.checkCallbackUrl(options.callback_url);
    const fields: RequestedTask = {
      task: decodeOptions.task,
      language: decodeOptions.language,
      priority: options.priority ?? 'normal',
      decodeOptions,
      callbackUrl: options.callback_url ?? null,
      callbackIncludeResult: options.callback_include_result ?? true,
      apiKeyId: principal?.id ?? null,
      apiKeyName: principal?.name ?? null,
      ...(await this.sources.of(media, decodeOptions)),
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
      const task = await insert(this.tasks);
      await this.work.enqueue(task);
      return { task, replayed: false };
    }
    const { key } = idempotency;
    const owner = fields.apiKeyName ?? null;
    const hash = await this.hashOf(fields, model.name, idempotency, 'file' in media ? media.file.path : undefined);
    const since = new Date(Date.now() - IDEMPOTENCY_WINDOW_HOURS * 3600_000);
    const outcome = await this.tasks.withIdempotencyLock(owner, key, async (tasks) => {
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
    if (!outcome.replayed) await this.work.enqueue(outcome.task);
    else if ('file' in media) await rm(media.file.path, { force: true }); // the original keeps its own copy
    return outcome;
  }

  /** What identifies the request (`requestHash`): its task's fields, but not its owner or where its upload was stored. */
  private hashOf(fields: RequestedTask, model: string, idempotency: Idempotency, filePath?: string): Promise<string> {
    return requestHash(
      {
        ...fields,
        apiKeyId: undefined,
        apiKeyName: undefined,
        fileName: undefined,
        mediaPath: undefined,
        // The default model hashes as before models were named, so such requests keep their hashes.
        model: model === this.models.defaultModel ? undefined : model,
        extra: idempotency.extra,
      },
      filePath,
    );
  }

  /**
   * @throws HarkError `rate_limit_exceeded` (429) when the key (by name, admin keys too) already has
   *   MAX_QUEUED_TASKS_PER_KEY unfinished tasks
   */
  private async checkQueuedLimit(principal: Principal, tasks: TaskRepository): Promise<void> {
    const limit = this.config.maxQueuedTasksPerKey;
    if (limit > 0 && (await tasks.countUnfinished(principal)) >= limit) {
      throw new HarkError(
        'rate_limit_exceeded',
        `This API key already has ${limit} queued or processing tasks (MAX_QUEUED_TASKS_PER_KEY); wait for some to finish.`,
      );
    }
  }
}
