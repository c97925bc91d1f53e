import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Res,
  UploadedFile,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyId } from '../auth/api-key-id.decorator';
import { OpenAiExceptionFilter } from './openai-exception.filter';
import { formatOpenAiResult } from './openai-format';
import { OpenAiTranscriptionDto, OpenAiTranslationDto } from './openai.dto';
import { OpenAiService } from './openai.service';

const ERROR_EXAMPLE = {
  error: {
    message: "The model 'whisper-9' does not exist. Available: whisper-1, tiny.",
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
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
  constructor(private readonly openai: OpenAiService) {}

  @Get('models')
  @ApiOperation({ summary: 'List models (OpenAI format)' })
  @ApiOkResponse({
    schema: { example: { object: 'list', data: [{ id: 'whisper-1', object: 'model', created: 0, owned_by: 'hark' }] } },
  })
  models(): { object: 'list'; data: { id: string; object: 'model'; created: number; owned_by: string }[] } {
    return {
      object: 'list',
      data: this.openai.models().map((id) => ({ id, object: 'model', created: 0, owned_by: 'hark' })),
    };
  }

  @Post('audio/transcriptions')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Transcribe audio (OpenAI-compatible)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: OpenAiTranscriptionDto })
  @ApiOkResponse({
    description: 'json: {"text"}; verbose_json: task, language, duration, text, segments; text/srt/vtt: plain text.',
    schema: { example: { text: 'And so, my fellow Americans…' } },
  })
  @ApiResponse({
    status: 400,
    description: 'Invalid request (OpenAI error format).',
    schema: { example: ERROR_EXAMPLE },
  })
  @ApiResponse({ status: 404, description: 'Unknown model.', schema: { example: ERROR_EXAMPLE } })
  @ApiResponse({
    status: 504,
    description: 'Still running after OPENAI_WAIT_MS; the message names the task id.',
    schema: { example: ERROR_EXAMPLE },
  })
  async transcriptions(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() request: OpenAiTranscriptionDto,
    @Res() response: Response,
    @ApiKeyId() keyId?: string,
  ): Promise<void> {
    await this.respond(file, request, 'transcribe', response, keyId);
  }

  @Post('audio/translations')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Translate audio into English (OpenAI-compatible)' })
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
  @ApiResponse({ status: 404, description: 'Unknown model.', schema: { example: ERROR_EXAMPLE } })
  async translations(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() request: OpenAiTranslationDto,
    @Res() response: Response,
    @ApiKeyId() keyId?: string,
  ): Promise<void> {
    await this.respond(file, request, 'translate', response, keyId);
  }

  private async respond(
    file: Express.Multer.File | undefined,
    request: OpenAiTranscriptionDto,
    task: 'transcribe' | 'translate',
    response: Response,
    keyId?: string,
  ): Promise<void> {
    if (!file) throw new BadRequestException(MISSING_FILE);
    const done = await this.openai.run(file, request, task, keyId);
    const { body, contentType } = formatOpenAiResult(done, request.response_format ?? 'json');
    response.status(200).type(contentType).send(body);
  }
}
