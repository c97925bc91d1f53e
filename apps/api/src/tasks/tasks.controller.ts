import { renderSubtitles, type SubtitleFormat } from '@app/asr-engine';
import { LinkResolverService } from '@app/crawlers';
import { HarkError } from '@app/errors';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal } from '../auth/principal';
import { ErrorBodyDto, UNSUPPORTED_MEDIA_DESCRIPTION } from '../common/error-body';
import { inertFile, setMediaType } from '../common/inert-file';
import {
  ApiIdempotencyKey,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_WINDOW_HOURS,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotencyKey,
} from '../common/idempotency';
import { MISSING_FILE } from '../uploads/missing-file';
import { CreateTaskDto, CreateTaskUploadDto } from './dto/create-task.dto';
import { ListTasksQueryDto, TaskPageDto } from './dto/list-tasks.dto';
import { MediaQueryDto } from './dto/media-query.dto';
import { SubtitlesQueryDto } from './dto/subtitles-query.dto';
import { TaskDto } from './dto/task.dto';
import { TaskEventsStream } from './task-events.stream';
import { Requires } from '../common/requires.decorator';
import {
  CancelTask,
  CreateTask,
  CreateTaskCommand,
  DeleteTask,
  GetTask,
  GetTaskMedia,
  ListTasks,
  ListTasksCommand,
  RedeliverCallback,
  RenameSpeakers,
  RenameSpeakersCommand,
  RetryTask,
  TaskCommand,
} from './usecases';

export const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () => new BadRequestException('Task id must be a UUID, e.g. 3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10.'),
});

/** The 404 of every task route: a task of another API key is answered as if it did not exist. */
const NOT_FOUND = 'No task with this id (or it belongs to another API key).';

const CONTENT_TYPES: Record<SubtitleFormat, string> = {
  srt: 'application/x-subrip; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

@ApiTags('tasks')
@Controller('api/v1/tasks')
@Requires('postgres')
export class TasksController {
  constructor(
    private readonly createTask: CreateTask,
    private readonly getTask: GetTask,
    private readonly listTasks: ListTasks,
    private readonly cancelTask: CancelTask,
    private readonly deleteTask: DeleteTask,
    private readonly retryTask: RetryTask,
    private readonly redeliverCallback: RedeliverCallback,
    private readonly renameTaskSpeakers: RenameSpeakers,
    private readonly taskMedia: GetTaskMedia,
    private readonly links: LinkResolverService,
    private readonly eventsStream: TaskEventsStream,
  ) {}

  @Post()
  @HttpCode(201)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Create a transcription task',
    description:
      'Send the media as a multipart `file` upload, its URL as `file_url`, or a TikTok/Douyin share link (or share text) as `url` (multipart field or JSON body). Decoding options are form/JSON fields. A share link is resolved by the processor: the task has `source: "link"` and `platform` at once, and `link` (title, author, duration, cover) once resolved; a failure to resolve ends in `failed` with `error_code` (see GET /api/v1/links/resolve for the codes).',
  })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ type: CreateTaskUploadDto })
  @ApiIdempotencyKey('the original task, as it is now')
  @ApiCreatedResponse({
    type: TaskDto,
    description: `The task, queued; or, for a repeat with the same ${IDEMPOTENCY_KEY_HEADER}, the task the first request created.`,
    headers: {
      [IDEMPOTENT_REPLAYED_HEADER]: {
        description: `\`true\` when the answer is the task of an earlier request with the same ${IDEMPOTENCY_KEY_HEADER} (nothing was created).`,
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: `No media or more than one kind, an invalid option, a refused URL, \`url\` without a TikTok/Douyin link (\`code: unsupported_link\`), or an invalid ${IDEMPOTENCY_KEY_HEADER}.`,
  })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: `\`idempotency_conflict\`: the ${IDEMPOTENCY_KEY_HEADER} was used for a different request (other fields or file) within ${IDEMPOTENCY_WINDOW_HOURS} h.`,
  })
  @ApiPayloadTooLargeResponse({ type: ErrorBodyDto, description: 'Larger than MAX_UPLOAD_BYTES.' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorBodyDto, description: UNSUPPORTED_MEDIA_DESCRIPTION })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description:
      'Empty file, no audio stream, longer than MAX_AUDIO_SECONDS (`too_long`), a `model` no running processor serves (the message lists the models served), or options the model cannot apply.',
  })
  async create(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() options: CreateTaskDto,
    @Res({ passthrough: true }) response: Response,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Principal() principal?: Principal,
  ): Promise<TaskDto> {
    const given = [file && 'file', options.file_url && 'file_url', options.url && 'url'].filter(
      (name): name is string => Boolean(name),
    );
    if (given.length > 1) {
      const [, extra] = given;
      throw new BadRequestException({
        message: `Send one of file, file_url or url, not ${given.join(' and ')}.`,
        details: [{ field: extra, problems: [`${extra} cannot be combined with ${given[0]}`] }],
      });
    }
    if (!file && !options.file_url && !options.url) {
      throw new BadRequestException({
        ...MISSING_FILE,
        message: `${MISSING_FILE.message} Or give its URL as file_url, or a TikTok/Douyin share link as url.`,
      });
    }
    const media = file ? { file } : options.url ? { link: this.links.find(options.url) } : { url: options.file_url! };
    const { task, replayed } = await this.createTask.execute(
      CreateTaskCommand.create({
        media,
        options,
        principal,
        idempotency: idempotencyKey === undefined ? undefined : { key: idempotencyKey },
      }),
    );
    if (replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return TaskDto.from(task);
  }

  @Get()
  @ApiOperation({
    summary: 'List tasks, newest first, with filters and paging',
    description: "An API key lists the tasks it created; an admin key (ADMIN_API_KEYS) lists every key's tasks.",
  })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'An invalid filter or paging value.' })
  async list(@Query() query: ListTasksQueryDto, @Principal() principal?: Principal): Promise<TaskPageDto> {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const { items, total } = await this.listTasks.execute(
      ListTasksCommand.create({
        filter: {
          status: query.status,
          priority: query.priority,
          task: query.task,
          language: query.language,
          source: query.source,
          platform: query.platform,
          createdAfter: query.created_after ? new Date(query.created_after) : undefined,
          createdBefore: query.created_before ? new Date(query.created_before) : undefined,
        },
        limit,
        offset,
        principal,
      }),
    );
    return { total, limit, offset, items: items.map((task) => TaskDto.from(task)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a task: status, progress and, once completed, the transcript' })
  @ApiOkResponse({ type: TaskDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'The id is not a UUID.' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: NOT_FOUND })
  async get(@Param('id', uuidPipe) id: string, @Principal() principal?: Principal): Promise<TaskDto> {
    return TaskDto.from(await this.getTask.execute(TaskCommand.create({ id, principal })));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a task and its stored media; a queued or processing task is cancelled first' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: NOT_FOUND })
  async remove(@Param('id', uuidPipe) id: string, @Principal() principal?: Principal): Promise<void> {
    await this.deleteTask.execute(TaskCommand.create({ id, principal }));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a queued or processing task (it stays, as cancelled, and can be retried)' })
  @ApiOkResponse({ type: TaskDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: NOT_FOUND })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The task already finished.' })
  async cancel(@Param('id', uuidPipe) id: string, @Principal() principal?: Principal): Promise<TaskDto> {
    return TaskDto.from(await this.cancelTask.execute(TaskCommand.create({ id, principal })));
  }

  @Post(':id/retry')
  @Requires('redis')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a failed or cancelled task again (new attempt, same id)' })
  @ApiOkResponse({ type: TaskDto, description: 'The task, queued again.' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: NOT_FOUND })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The task is not failed or cancelled.' })
  @ApiGoneResponse({
    type: ErrorBodyDto,
    description: 'An upload whose media was removed by retention (`code: media_gone`): create a new task.',
  })
  async retry(@Param('id', uuidPipe) id: string, @Principal() principal?: Principal): Promise<TaskDto> {
    return TaskDto.from(await this.retryTask.execute(TaskCommand.create({ id, principal })));
  }

  @Patch(':id/speakers')
  @ApiOperation({
    summary: 'Rename the speakers of a diarized task',
    description:
      'The body maps speaker labels to names: `{"SPEAKER_00": "Alice", "SPEAKER_01": "Bob"}`. The stored transcript changes everywhere a label appears (segments, words, `speakers`, and so subtitles and OpenAI formats); labels left out keep theirs; all names change at once, so two may be swapped, and a renamed speaker is renamed again by its new name. Names are trimmed, 1–100 characters, one line, and unique. The callback, already sent, is not sent again (POST …/callback/redeliver sends the renamed result).',
  })
  @ApiBody({
    description: 'Current label (or earlier name) → new name.',
    schema: {
      type: 'object',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 100 },
      example: { SPEAKER_00: 'Alice', SPEAKER_01: 'Bob' },
    },
  })
  @ApiOkResponse({ type: TaskDto, description: 'The task, with the renamed speakers in its `result`.' })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description:
      'The body is not an object of names; the task has no speakers (it was not created with `diarize=true`); or a name cannot be given (`details` per label: unknown label, empty, too long, not one line, one name for two speakers, a name another speaker keeps).',
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: NOT_FOUND })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'The task is not completed (wait for it), or another rename changed it meanwhile (send again).',
  })
  async renameSpeakers(
    @Param('id', uuidPipe) id: string,
    @Body() names: Record<string, string>,
    @Principal() principal?: Principal,
  ): Promise<TaskDto> {
    return TaskDto.from(await this.renameTaskSpeakers.execute(RenameSpeakersCommand.create({ id, names, principal })));
  }

  @Get(':id/events')
  @Requires('redis')
  @ApiOperation({
    summary:
      'Live events (server-sent events): status, progress, each segment as it is decoded, and the final status; reconnect with Last-Event-ID to continue',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id of the last event received: continue after it.',
  })
  @ApiOkResponse({
    description:
      '`event: status|progress|segment`, `data:` one JSON object (`{"type":"status","status","progress","error","error_code"}`, `{"type":"progress","progress"}`, `{"type":"segment","segment"}`), `id:` to resume from; `: keep-alive` comments every EVENTS_KEEPALIVE_MS. Ends after completed, failed or cancelled.',
    schema: {
      type: 'string',
      example: 'id: 1732262400000-0\nevent: progress\ndata: {"type":"progress","progress":42}\n\n',
    },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Last-Event-ID is not an event id.' })
  @ApiTooManyRequestsResponse({
    type: ErrorBodyDto,
    description:
      'The API key already holds EVENT_STREAMS_PER_KEY live streams (events and OpenAI `stream=true`) on this api node, or the node EVENT_STREAMS_MAX (`code: too_many_streams`, Retry-After). A stream frees its slot when it closes.',
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: NOT_FOUND })
  async events(
    @Param('id', uuidPipe) id: string,
    @Req() request: Request,
    @Res() response: Response,
    @Principal() principal?: Principal,
  ): Promise<void> {
    const task = await this.getTask.execute(TaskCommand.create({ id, principal }));
    await this.eventsStream.serve(task, request, response, principal);
  }

  @Get(':id/media')
  @ApiOperation({
    summary: 'The stored media (upload or download), for a player: HTTP Range requests get 206 with the exact bytes',
    description:
      'Served inert: the type is an audio or video type from the file name, else `application/octet-stream`, with `X-Content-Type-Options: nosniff`, `Content-Security-Policy: sandbox` and `Content-Disposition: attachment` (`inline` with `?inline=true` for an audio or video type).',
  })
  @ApiProduces('audio/*', 'video/*', 'application/octet-stream')
  @ApiHeader({
    name: 'Range',
    required: false,
    description: 'e.g. `bytes=0-1023`; answered 206 (416 when unsatisfiable).',
  })
  @ApiOkResponse({
    description: 'The whole file (`Accept-Ranges: bytes`).',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiResponse({ status: 206, description: 'The requested range (`Content-Range`).' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: NOT_FOUND })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'A URL or share-link task whose media is not downloaded yet.',
  })
  @ApiGoneResponse({ type: ErrorBodyDto, description: 'Retention removed the media (`code: media_gone`).' })
  async media(
    @Param('id', uuidPipe) id: string,
    @Query() query: MediaQueryDto,
    @Res() response: Response,
    @Principal() principal?: Principal,
  ): Promise<void> {
    const { path, fileName } = await this.taskMedia.execute(TaskCommand.create({ id, principal }));
    // Served inert whatever the upload holds: an audio or video type from the original name (the
    // stored file has none), else bytes; an attachment unless a player asks for inline playback.
    const playable = setMediaType(response, fileName);
    inertFile(response, fileName ?? id, playable && query.inline === true);
    // `send` answers Range, ETag and conditional requests, and closes the file when the client goes away.
    await new Promise<void>((done, fail) =>
      response.sendFile(
        path,
        { acceptRanges: true, cacheControl: false, headers: { 'Cache-Control': 'private, no-cache' } },
        (error?: Error & { status?: number; headers?: Record<string, string> }) => {
          if (!error || response.headersSent) return done();
          if (error.status !== 416) return fail(error);
          // `send` refused the Range: answer 416 in the error shape, with the size it gives.
          const contentRange = error.headers?.['Content-Range'] ?? '';
          response.setHeader('Content-Range', contentRange);
          fail(
            new HttpException(
              `The requested range is not satisfiable: the file has ${contentRange.replace('bytes */', '')} bytes. Ask for bytes within it, e.g. Range: bytes=0-1023.`,
              416,
            ),
          );
        },
      ),
    );
  }

  @Get(':id/subtitles')
  @ApiOperation({ summary: 'The transcript as SubRip, WebVTT, text, TSV or JSON' })
  @ApiProduces('application/x-subrip', 'text/vtt', 'text/plain', 'text/tab-separated-values', 'application/json')
  @ApiOkResponse({
    description: 'The file, named after the upload (Content-Disposition).',
    schema: { type: 'string', example: '1\n00:00:00,286 --> 00:00:02,284\nAnd so, my fellow Americans,\n' },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'An invalid format or line option.' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: NOT_FOUND })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The task is not completed.' })
  async subtitles(
    @Param('id', uuidPipe) id: string,
    @Query() query: SubtitlesQueryDto,
    @Res() response: Response,
    @Principal() principal?: Principal,
  ): Promise<void> {
    const task = await this.getTask.execute(TaskCommand.create({ id, principal }));
    if (task.status !== 'completed' || !task.result)
      throw new HarkError('task_state_conflict', `Task ${id} is ${task.status}; subtitles exist once it is completed.`);
    const format = query.format ?? 'srt';
    const body = renderSubtitles(task.result, format, {
      maxLineWidth: query.max_line_width,
      maxLineCount: query.max_line_count,
      maxCueDuration: query.max_cue_duration,
    });
    const base = (task.fileName ?? task.id).replace(/\.[^.]+$/, '') || task.id;
    inertFile(response, `${base}.${format}`);
    response.type(CONTENT_TYPES[format]).send(body);
  }

  @Post(':id/callback/redeliver')
  @Requires('redis')
  @HttpCode(202)
  @ApiOperation({
    summary: "Send a finished task's callback again",
    description:
      'With the same delivery id (`X-Hark-Delivery-Id`, `callback_delivery_id`) as before, so a receiver that processed it can drop the duplicate. Sent at once, with all `CALLBACK_ATTEMPTS` again.',
  })
  @ApiAcceptedResponse({ type: TaskDto, description: 'Delivery scheduled (callback_status pending).' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: NOT_FOUND })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'No callback_url, the task has not finished, or its callback is being sent right now.',
  })
  async redeliver(@Param('id', uuidPipe) id: string, @Principal() principal?: Principal): Promise<TaskDto> {
    return TaskDto.from(await this.redeliverCallback.execute(TaskCommand.create({ id, principal })));
  }
}
