import { NO_WORD_TIMESTAMPS, unsupportedReason, WHISPER_LANGUAGE_CODES } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import { type TaskEntity, type TaskKind, TranscriptionJobWaiter, within } from '@app/tasks';
import { HarkError } from '@app/errors';
import {
  BadRequestException,
  GatewayTimeoutException,
  Injectable,
  InternalServerErrorException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { deploymentReason } from '../engine/capabilities';
import { ServedModels, type TaskModel } from '../engine/served-models';
import type { CreateTaskDto } from '../tasks/dto/create-task.dto';
import { CreateTask, CreateTaskCommand, GetTask, TaskCommand } from '../tasks/usecases';
import type { OpenAiTranscriptionDto } from './openai.dto';

/** The `response_format`s that `stream=true` can send (as OpenAI streams only its JSON and text formats). */
export const STREAMED_FORMATS: readonly string[] = ['json', 'text', 'diarized_json'];

/** `whisper-1` stands for the default model (ASR_MODEL), as in OpenAI's API. */
export const OPENAI_DEFAULT_MODEL = 'whisper-1';

/**
 * OpenAI's audio API over Hark's tasks: each request becomes a high-priority task on the same
 * queue, and the request waits for it (up to OPENAI_WAIT_MS) or, with `stream=true`, follows it
 * (`OpenAiTranscriptionStream`).
 */
@Injectable()
export class OpenAiService {
  constructor(
    private readonly createTask: CreateTask,
    private readonly getTask: GetTask,
    private readonly waiter: TranscriptionJobWaiter,
    private readonly served: ServedModels,
    private readonly config: HarkConfig,
  ) {}

  /**
   * The models a request may name: `whisper-1` (the default model), the default model (ASR_MODEL)
   * and every model a live processor serves now (none of those while Redis is away).
   */
  async models(): Promise<string[]> {
    const live = (await this.served.liveOrNull()) ?? [];
    return [...new Set([OPENAI_DEFAULT_MODEL, this.served.defaultModel, ...live.map((model) => model.name)])];
  }

  /**
   * Transcribes (or translates) an upload and waits for the completed task. With an
   * `Idempotency-Key`, a repeat of an earlier request creates nothing: it waits for the original
   * task and answers with its result (`replayed`).
   * @throws what {@link start} and {@link waitFor} throw
   */
  async run(
    file: Express.Multer.File,
    request: OpenAiTranscriptionDto,
    task: TaskKind,
    principal?: Principal,
    idempotencyKey?: string,
  ): Promise<{ task: TaskEntity; replayed: boolean }> {
    const { task: created, replayed } = await this.start(file, request, task, principal, idempotencyKey);
    return { task: await this.waitFor(created, principal), replayed };
  }

  /**
   * Checks the request and creates its high-priority task (or, with an `Idempotency-Key` used
   * before for the same request, finds the original: `replayed`).
   * `response_format=diarized_json` creates the task with `diarize=true`.
   * @throws 400 for what the engine cannot do (prompt, temperature ≠ 0, `stream` with a format that
   *   cannot stream), 422 for word timestamps with a model without them, for `diarized_json`
   *   without the diarization models, or for an upload longer than DIARIZATION_MAX_SECONDS to
   *   diarize, 404 `model_not_found` for a model that is not known at all, 422 for a model known
   *   on a processor (installed in its MODELS_DIR) that no running processor serves, 409 `idempotency_conflict`
   *   for a key used with a different request
   */
  async start(
    file: Express.Multer.File,
    request: OpenAiTranscriptionDto,
    task: TaskKind,
    principal?: Principal,
    idempotencyKey?: string,
  ): Promise<{ task: TaskEntity; replayed: boolean }> {
    const model = await this.check(request);
    const options = {
      model: model.name,
      language: request.language,
      task,
      priority: 'high',
      word_timestamps: request.timestamp_granularities?.includes('word') || undefined,
      diarize: request.response_format === 'diarized_json' || undefined,
    } as CreateTaskDto;
    const idempotency =
      idempotencyKey === undefined
        ? undefined
        : {
            key: idempotencyKey,
            extra: {
              api: 'openai',
              model: request.model,
              response_format: request.response_format ?? 'json',
              ...(request.stream && { stream: true }),
            },
          };
    return this.createTask.execute(CreateTaskCommand.create({ media: { file }, options, principal, idempotency }));
  }

  /**
   * Waits (up to OPENAI_WAIT_MS from now) until the task is completed and returns it.
   * @throws 504 (naming the task id) when the wait limit passes, 500 when the task fails or is cancelled
   */
  async waitFor(created: TaskEntity, principal?: Principal): Promise<TaskEntity> {
    const deadline = Date.now() + this.config.openAiWaitMs;
    for (;;) {
      const remaining = deadline - Date.now();
      const current = await this.getTask.execute(TaskCommand.create({ id: created.id, principal }));
      if (current.status === 'completed') return current;
      if (current.status === 'failed' || current.status === 'cancelled') throw taskNotCompleted(current);
      if (remaining <= 0) throw waitLimitPassed(created.id, this.config.openAiWaitMs);
      // Wait on the job's events; without them (no job in Redis, or Redis away) poll the row instead.
      const waited = await within(
        this.waiter.waitForTask(created, remaining),
        'redis',
        Math.min(remaining, 5000),
      ).catch(() => false);
      if (!waited) await new Promise((done) => setTimeout(done, Math.min(500, remaining)));
    }
  }

  /**
   * Checks what the request asks for against the engine and its model.
   * @returns the task's model (`whisper-1`: the default)
   */
  private async check(request: OpenAiTranscriptionDto): Promise<TaskModel> {
    const model = await this.resolveModel(request.model);
    const refuse = (field: string, message: string) =>
      new BadRequestException({ message, details: [{ field, problems: [message] }] });
    if (request.stream && !STREAMED_FORMATS.includes(request.response_format ?? 'json'))
      throw refuse(
        'stream',
        `stream=true sends transcript.text.delta and transcript.text.done events, which response_format=${request.response_format} cannot carry: use json, text or diarized_json, or leave stream out.`,
      );
    if (request.prompt)
      throw refuse('prompt', "prompt is not supported: sherpa-onnx's Whisper decoder takes no text prompt.");
    if (request.temperature) throw refuse('temperature', 'temperature must be 0: the decoder is greedy.');
    if (request.timestamp_granularities?.includes('word') && !model.capabilities.wordTimestamps) {
      const reason = `timestamp_granularities[]=word is not available: ${model.capabilities.refused.word_timestamps ?? NO_WORD_TIMESTAMPS}. Use segment.`;
      throw new UnprocessableEntityException({
        message: reason,
        details: [{ field: 'timestamp_granularities[]', problems: [reason] }],
      });
    }
    const noDiarization =
      request.response_format === 'diarized_json' &&
      deploymentReason('diarize', unsupportedReason('diarize', model.capabilities), this.config);
    if (noDiarization) {
      const reason = `response_format=diarized_json is not available: ${noDiarization}. Use another response_format.`;
      throw new UnprocessableEntityException({
        message: reason,
        details: [{ field: 'response_format', problems: [reason] }],
      });
    }
    if (request.language && !WHISPER_LANGUAGE_CODES.includes(request.language)) {
      throw refuse(
        'language',
        `language must be an ISO-639-1 code Whisper knows (${WHISPER_LANGUAGE_CODES.join(', ')}).`,
      );
    }
    return model;
  }

  /**
   * The model a request names: `whisper-1` and the default model's name are the default model; any
   * other must be served by a live processor (`ServedModels.resolve`, as for tasks).
   * @throws HarkError `model_not_found` (404, OpenAI's answer) for a model neither served now nor
   *   installed on a running processor (its MODELS_DIR, as the registry says); what `ServedModels.resolve` throws (422 for an installed model no
   *   processor serves, 503 while Redis is down)
   */
  private async resolveModel(requested: string): Promise<TaskModel> {
    try {
      return await this.served.resolve(requested === OPENAI_DEFAULT_MODEL ? undefined : requested);
    } catch (error) {
      // Not served now: OpenAI's 404 unless the model is at least installed on a processor (then the 422 stands).
      if (
        !(error instanceof UnprocessableEntityException) ||
        ((await this.served.registryOrNull())?.installed ?? []).some((model) => model.name === requested)
      )
        throw error;
      throw new HarkError(
        'model_not_found',
        `The model '${requested}' does not exist. Available: ${(await this.models()).join(', ')}.`,
        false,
        { field: 'model' },
      );
    }
  }
}

/** The 500 of a task that failed or was cancelled (its error is written for users: never a stack or an internal address). */
export function taskNotCompleted(task: TaskEntity): InternalServerErrorException {
  return new InternalServerErrorException(
    task.status === 'cancelled'
      ? `Transcription cancelled (task ${task.id}).`
      : `Transcription failed: ${task.error ?? 'no reason recorded'} (task ${task.id}).`,
  );
}

/** The 504 of a task still running after OPENAI_WAIT_MS. */
export function waitLimitPassed(taskId: string, waitMs: number): GatewayTimeoutException {
  return new GatewayTimeoutException(
    `The transcription did not finish within ${waitMs} ms (OPENAI_WAIT_MS). It continues as task ${taskId}: GET /api/v1/tasks/${taskId}.`,
  );
}
