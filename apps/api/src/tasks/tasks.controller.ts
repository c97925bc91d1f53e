import { BadRequestException, Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBadRequestResponse, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags, ApiUnprocessableEntityResponse, ApiUnsupportedMediaTypeResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body';
import { CreateTaskDto, CreateTaskUploadDto } from './dto/create-task.dto';
import { TaskDto } from './dto/task.dto';
import { TasksService } from './tasks.service';

const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () => new BadRequestException('Task id must be a UUID, e.g. 3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10.'),
});

@ApiTags('tasks')
@Controller('api/v1/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  @HttpCode(201)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Create a transcription task from an uploaded audio or video file' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateTaskUploadDto })
  @ApiCreatedResponse({ type: TaskDto, description: 'The task, queued.' })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: '`file` missing, or an invalid option.' })
  @ApiPayloadTooLargeResponse({ type: ErrorBodyDto, description: 'Larger than MAX_UPLOAD_BYTES.' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorBodyDto, description: 'Not a file ffprobe can read.' })
  @ApiUnprocessableEntityResponse({ type: ErrorBodyDto, description: 'Empty file, or no audio stream.' })
  async create(@UploadedFile() file: Express.Multer.File | undefined, @Body() options: CreateTaskDto): Promise<TaskDto> {
    if (!file) {
      throw new BadRequestException({
        message: 'file is missing: send the audio or video as the multipart/form-data field "file", e.g. curl -F file=@talk.mp3 …',
        details: [{ field: 'file', problems: ['file is required'] }],
      });
    }
    return TaskDto.from(await this.tasks.createFromUpload(file, options));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a task: status, progress and, once completed, the transcript' })
  @ApiOkResponse({ type: TaskDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'The id is not a UUID.' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No task with this id.' })
  async get(@Param('id', uuidPipe) id: string): Promise<TaskDto> {
    return TaskDto.from(await this.tasks.get(id));
  }
}
