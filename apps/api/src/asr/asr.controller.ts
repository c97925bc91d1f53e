import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Param,
  Post,
  Res,
  UploadedFile,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '../auth/principal';
import { CreateTaskDto, CreateTaskUploadDto } from '../tasks/dto/create-task.dto';
import { SegmentDto } from '../tasks/dto/task.dto';
import { CreateTask, CreateTaskCommand, GetTask, TaskCommand, TASK_ID_PATTERN } from '../tasks/usecases';
import { ClassicAsrExceptionFilter } from './classic-asr-exception.filter';
import { Requires } from '../common/requires.decorator';

/**
 * The classic ASR task interface (the shape of the task endpoints of Whisper web services), as a
 * thin adapter over Hark's tasks: same queue, same processors, the classic bodies and statuses.
 */
@ApiTags('classic asr')
@Controller('api/v1/asr/task')
@Requires('postgres')
@UseFilters(ClassicAsrExceptionFilter)
export class AsrController {
  constructor(
    private readonly createTask: CreateTask,
    private readonly getTask: GetTask,
  ) {}

  @Post()
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Create a task (classic interface)',
    description: 'Takes the same fields as POST /api/v1/tasks.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateTaskUploadDto })
  @ApiResponse({ status: 201, schema: { example: { task_id: '3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10' } } })
  @ApiResponse({ status: 400, schema: { example: { error: "Missing 'file'" } } })
  async create(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() options: CreateTaskDto,
    @Res({ passthrough: true }) response: Response,
    @Principal() principal?: Principal,
  ): Promise<{ task_id: string }> {
    if (!file) throw new BadRequestException("Missing 'file'");
    const { task } = await this.createTask.execute(CreateTaskCommand.create({ media: { file }, options, principal }));
    response.status(201);
    return { task_id: task.id };
  }

  @Get(':task_id')
  @ApiOperation({ summary: 'Get a task (classic interface): 200 done, 202 processing, 404 not found, 500 error' })
  @ApiResponse({
    status: 200,
    schema: {
      example: {
        task_id: '3f2b8c1e-…',
        status: 'done',
        result: {
          text: 'And so, my fellow Americans…',
          segments: [{ id: 0, start: 0.286, end: 2.284, text: 'And so, my fellow Americans,' }],
          language: 'en',
        },
      },
    },
  })
  @ApiResponse({ status: 202, schema: { example: { task_id: '3f2b8c1e-…', status: 'processing', result: '' } } })
  @ApiResponse({ status: 404, schema: { example: { task_id: '3f2b8c1e-…', status: 'Task not found', result: '' } } })
  @ApiResponse({
    status: 500,
    schema: { example: { task_id: '3f2b8c1e-…', status: 'error', result: 'ffmpeg could not decode the audio: …' } },
  })
  async get(
    @Param('task_id') taskId: string,
    @Res({ passthrough: true }) response: Response,
    @Principal() principal?: Principal,
  ): Promise<Record<string, unknown>> {
    const task = TASK_ID_PATTERN.test(taskId)
      ? await this.getTask.execute(TaskCommand.create({ id: taskId, principal })).catch(() => null)
      : null;
    if (!task) {
      response.status(404);
      return { task_id: taskId, status: 'Task not found', result: '' };
    }
    if (task.status === 'completed' && task.result) {
      const { text, segments, language } = task.result;
      return {
        task_id: taskId,
        status: 'done',
        result: { text, segments: segments.map((segment) => SegmentDto.from(segment)), language },
      };
    }
    if (task.status === 'failed' || task.status === 'cancelled') {
      response.status(500);
      return { task_id: taskId, status: 'error', result: task.error ?? `Task ${task.status}` };
    }
    response.status(202);
    return { task_id: taskId, status: 'processing', result: '' };
  }
}
