import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  UploadedFile,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../auth/principal';
import {
  ApiIdempotencyKey,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_WINDOW_HOURS,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotencyKey,
} from '../common/idempotency';
import { StreamSlots } from '../common/stream-slots';
import { OpenAiExceptionFilter } from './openai-exception.filter';
import { formatOpenAiResult } from './openai-format';
import { OpenAiTranscriptionDto, OpenAiTranslationDto } from './openai.dto';
import { OpenAiTranscriptionStream } from './openai-stream';
import { OpenAiService } from './openai.service';
import { Requires } from '../common/requires.decorator';

const ERROR_EXAMPLE = {
  error: {
    message: "The model 'whisper-9' does not exist. Available: whisper-1, tiny.",
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
  },
};
const IDEMPOTENCY_CONFLICT = `The ${IDEMPOTENCY_KEY_HEADER} was used for a different request (other fields or file) within ${IDEMPOTENCY_WINDOW_HOURS} h (OpenAI error format, code idempotency_conflict).`;
const CONFLICT_EXAMPLE = {
  error: {
    message:
      'Idempotency-Key "upload-42" was already used for a different request (task 3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10, created 2026-11-21T06:07:47.861Z) with other fields or another file. Send this request with a new key, or repeat the original request unchanged to get its task.',
    type: 'invalid_request_error',
    param: IDEMPOTENCY_KEY_HEADER,
    code: 'idempotency_conflict',
  },
};
const MISSING_FILE = {
  message: "file is missing: send the audio as the multipart field 'file'.",
  details: [{ field: 'file', problems: ['file is required'] }],
};

/** OpenAI-compatible audio endpoints: point an OpenAI client's base URL at `<hark>/v1`. */
@ApiTags('openai')
@Controller('v1')
@UseFilters(OpenAiExceptionFilter)
export class OpenAiController {
  constructor(
    private readonly openai: OpenAiService,
    private readonly stream: OpenAiTranscriptionStream,
    private readonly slots: StreamSlots,
  ) {}

  @Get('models')
  @ApiOperation({
    summary: 'List models (OpenAI format)',
    description:
      '`whisper-1` (the default model), the default model (ASR_MODEL) and every model a running processor serves now.',
  })
  @ApiOkResponse({
    schema: { example: { object: 'list', data: [{ id: 'whisper-1', object: 'model', created: 0, owned_by: 'hark' }] } },
  })
  async models(): Promise<{
    object: 'list';
    data: { id: string; object: 'model'; created: number; owned_by: string }[];
  }> {
    return {
      object: 'list',
      data: (await this.openai.models()).map((id) => ({ id, object: 'model', created: 0, owned_by: 'hark' })),
    };
  }

  @Post('audio/transcriptions')
  @Requires('postgres', 'redis')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Transcribe audio (OpenAI-compatible)' })
  @ApiIdempotencyKey("the original task's result (waiting for it as the first request does)")
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: OpenAiTranscriptionDto })
  @ApiOkResponse({
    description:
      'json: {"text"}; verbose_json: task, language, duration, text, segments (with `speaker` when diarized); diarized_json: task, duration, text, segments with type, id, start, end, text, speaker; text/srt/vtt: plain text. With `stream=true`: `text/event-stream` of `data: {"type":"transcript.text.delta","delta":…}` per decoded segment, then `transcript.text.segment` events (diarized_json) and `data: {"type":"transcript.text.done","text":…}`; a failure after the stream started is `data: {"error":{…}}`.',
    content: {
      'application/json': { example: { text: 'And so, my fellow Americans…' } },
      'text/event-stream': {
        example:
          'data: {"type":"transcript.text.delta","delta":"And so, my fellow Americans,"}\n\ndata: {"type":"transcript.text.delta","delta":" ask not what your country can do for you."}\n\ndata: {"type":"transcript.text.done","text":"And so, my fellow Americans, ask not what your country can do for you."}\n\n',
      },
    },
  })
  @ApiResponse({
    status: 400,
    description: 'Invalid request (OpenAI error format).',
    schema: { example: ERROR_EXAMPLE },
  })
  @ApiResponse({
    status: 404,
    description:
      'A model not known at all: not `whisper-1`, the default model, a model a running processor serves or one installed on a running processor (its MODELS_DIR).',
    schema: { example: ERROR_EXAMPLE },
  })
  @ApiResponse({ status: 409, description: IDEMPOTENCY_CONFLICT, schema: { example: CONFLICT_EXAMPLE } })
  @ApiResponse({
    status: 422,
    description:
      'What this server cannot do: a model installed here that no running processor serves, `timestamp_granularities[]=word` with a model without word times, `diarized_json` without the diarization models or for a file longer than DIARIZATION_MAX_SECONDS (OpenAI error format; the message says why).',
    schema: { example: ERROR_EXAMPLE },
  })
  @ApiResponse({
    status: 429,
    description:
      'With `stream=true`: the API key already holds EVENT_STREAMS_PER_KEY live streams on this api node, or the node EVENT_STREAMS_MAX (code `too_many_streams`, Retry-After); nothing was created.',
    schema: { example: ERROR_EXAMPLE },
  })
  @ApiResponse({
    status: 504,
    description: 'Still running after OPENAI_WAIT_MS; the message names the task id.',
    schema: { example: ERROR_EXAMPLE },
  })
  async transcriptions(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() request: OpenAiTranscriptionDto,
    @Req() httpRequest: Request,
    @Res() response: Response,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Principal() principal?: Principal,
  ): Promise<void> {
    if (!request.stream) return this.respond(file, request, 'transcribe', response, principal, idempotencyKey);
    if (!file) throw new BadRequestException(MISSING_FILE);
    this.slots.hold(response, principal); // before the task is created: a refused stream creates nothing
    const { task, replayed } = await this.openai.start(file, request, 'transcribe', principal, idempotencyKey);
    if (replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    await this.stream.serve(task, request.response_format ?? 'json', httpRequest, response, principal);
  }

  @Post('audio/translations')
  @Requires('postgres', 'redis')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Translate audio into English (OpenAI-compatible)' })
  @ApiIdempotencyKey("the original task's result (waiting for it as the first request does)")
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: OpenAiTranslationDto })
  @ApiOkResponse({
    description: 'As for transcriptions.',
    schema: { example: { text: 'Welcome, everyone, to try the speech recognition model.' } },
  })
  @ApiResponse({
    status: 400,
    description: 'Invalid request (OpenAI error format).',
    schema: { example: ERROR_EXAMPLE },
  })
  @ApiResponse({
    status: 404,
    description:
      'A model not known at all: not `whisper-1`, the default model, a model a running processor serves or one installed on a running processor (its MODELS_DIR).',
    schema: { example: ERROR_EXAMPLE },
  })
  @ApiResponse({ status: 409, description: IDEMPOTENCY_CONFLICT, schema: { example: CONFLICT_EXAMPLE } })
  async translations(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() request: OpenAiTranslationDto,
    @Res() response: Response,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Principal() principal?: Principal,
  ): Promise<void> {
    await this.respond(file, request, 'translate', response, principal, idempotencyKey);
  }

  private async respond(
    file: Express.Multer.File | undefined,
    request: OpenAiTranscriptionDto,
    task: 'transcribe' | 'translate',
    response: Response,
    principal?: Principal,
    idempotencyKey?: string,
  ): Promise<void> {
    if (!file) throw new BadRequestException(MISSING_FILE);
    const { task: done, replayed } = await this.openai.run(file, request, task, principal, idempotencyKey);
    const { body, contentType } = formatOpenAiResult(
      done,
      request.response_format ?? 'json',
      request.timestamp_granularities?.length ? request.timestamp_granularities : undefined,
    );
    if (replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    response.status(200).type(contentType).send(body);
  }
}
