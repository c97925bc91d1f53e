import { unsupportedReason, WHISPER_LANGUAGE_CODES } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import { type TaskEntity, type TaskKind, TranscriptionEvents, within } from '@app/tasks';
import { HarkError } from '@app/errors';
import {
  BadRequestException,
  GatewayTimeoutException,
  Injectable,
  InternalServerErrorException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { activeModelCapabilities, diarizationUnavailableReason } from '../engine/capabilities';
import type { CreateTaskDto } from '../tasks/dto/create-task.dto';
import { TasksService } from '../tasks/tasks.service';
import type { OpenAiTranscriptionDto } from './openai.dto';

/** `whisper-1` stands for the configured model, as in OpenAI's API. */
export const OPENAI_DEFAULT_MODEL = 'whisper-1';

/**
 * OpenAI's audio API over Hark's tasks: each request becomes a high-priority task on the same
 * queue, and the request waits for it (up to OPENAI_WAIT_MS).
 */
@Injectable()
export class OpenAiService {
  constructor(
    private readonly tasks: TasksService,
    private readonly events: TranscriptionEvents,
    private readonly config: HarkConfig,
  ) {}

  /** The models a request may name: `whisper-1` and the model the processors run. */
  models(): string[] {
    return [OPENAI_DEFAULT_MODEL, this.config.asrModel];
  }

  /**
   * Transcribes (or translates) an upload and waits for the completed task. With an
   * `Idempotency-Key`, a repeat of an earlier request creates nothing: it waits for the original
   * task and answers with its result (`replayed`).
   * `response_format=diarized_json` creates the task with `diarize=true`.
   * @throws 400 for what the engine cannot do (prompt, temperature ≠ 0), 422 for word timestamps with
   *   a model without them, for `diarized_json` without the diarization models, or for an upload
   *   longer than DIARIZATION_MAX_SECONDS to diarize, 404 for an unknown model, 409
   *   `idempotency_conflict` for a key used with a different request, 504 (naming the task id) when
   *   the wait limit passes, 500 when the task fails
   */
  async run(
    file: Express.Multer.File,
    request: OpenAiTranscriptionDto,
    task: TaskKind,
    principal?: Principal,
    idempotencyKey?: string,
  ): Promise<{ task: TaskEntity; replayed: boolean }> {
    this.check(request);
    const options = {
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
            extra: { api: 'openai', model: request.model, response_format: request.response_format ?? 'json' },
          };
    const { task: created, replayed } = await this.tasks.createIdempotent({ file }, options, principal, idempotency);
    const deadline = Date.now() + this.config.openAiWaitMs;
    for (;;) {
      const remaining = deadline - Date.now();
      const current = await this.tasks.get(created.id, principal);
      if (current.status === 'completed') return { task: current, replayed };
      if (current.status === 'failed' || current.status === 'cancelled') {
        // The task's error is written for users (never a stack or an internal address).
        throw new InternalServerErrorException(`Transcription ${current.status}: ${current.error ?? 'cancelled'}`);
      }
      if (remaining <= 0) {
        throw new GatewayTimeoutException(
          `The transcription did not finish within ${this.config.openAiWaitMs} ms (OPENAI_WAIT_MS). It continues as task ${created.id}: GET /api/v1/tasks/${created.id}.`,
        );
      }
      // Wait on the job's events; without them (no job in Redis, or Redis away) poll the row instead.
      const waited = await within(
        this.events.waitForTask(created.id, remaining),
        'redis',
        Math.min(remaining, 5000),
      ).catch(() => false);
      if (!waited) await new Promise((done) => setTimeout(done, Math.min(500, remaining)));
    }
  }

  private check(request: OpenAiTranscriptionDto): void {
    if (!this.models().includes(request.model)) {
      throw new HarkError(
        'model_not_found',
        `The model '${request.model}' does not exist. Available: ${this.models().join(', ')}.`,
        false,
        { field: 'model' },
      );
    }
    const refuse = (field: string, message: string) =>
      new BadRequestException({ message, details: [{ field, problems: [message] }] });
    if (request.prompt)
      throw refuse('prompt', "prompt is not supported: sherpa-onnx's Whisper decoder takes no text prompt.");
    if (request.temperature) throw refuse('temperature', 'temperature must be 0: the decoder is greedy.');
    if (request.timestamp_granularities?.includes('word') && !activeModelCapabilities(this.config).wordTimestamps) {
      const reason = `timestamp_granularities[]=word is not available: ${unsupportedReason('word_timestamps', { wordTimestamps: false })}. Use segment.`;
      throw new UnprocessableEntityException({
        message: reason,
        details: [{ field: 'timestamp_granularities[]', problems: [reason] }],
      });
    }
    const noDiarization = request.response_format === 'diarized_json' && diarizationUnavailableReason(this.config);
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
  }
}
