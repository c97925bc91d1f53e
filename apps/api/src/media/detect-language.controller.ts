import { rm } from 'node:fs/promises';
import { MediaTools } from '@app/media';
import { type DetectLanguageResult, TaskQueue, TranscriptionJobWaiter, within } from '@app/tasks';
import {
  BadRequestException,
  Body,
  Controller,
  GatewayTimeoutException,
  HttpCode,
  Post,
  UnprocessableEntityException,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiGatewayTimeoutResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto, UNSUPPORTED_MEDIA_DESCRIPTION } from '../common/error-body';
import { MISSING_FILE } from '../uploads/missing-file';
import { Requires } from '../common/requires.decorator';

/** How long the request waits for a processor's answer. */
const DETECT_TIMEOUT_MS = 120_000;

class DetectLanguageUploadDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'The audio or video file; at most its first 30 s of speech are used.',
  })
  file: unknown;
}

/** The fields besides `file`: none, so that any field sent is refused as unknown (400) rather than ignored. */
class DetectLanguageFieldsDto {}

class DetectedLanguageDto {
  @ApiProperty({ description: 'Whisper language code.', example: 'en' })
  language: string;
}

@ApiTags('media')
@Controller('api/v1/detect-language')
@Requires('redis')
export class DetectLanguageController {
  constructor(
    private readonly queue: TaskQueue,
    private readonly waiter: TranscriptionJobWaiter,
    private readonly media: MediaTools,
  ) {}

  @Post()
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Detect the spoken language of a file (synchronous; uses at most the first 30 s of speech)',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: DetectLanguageUploadDto })
  @ApiOkResponse({ type: DetectedLanguageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: '`file` missing, or a field this route does not take.' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorBodyDto, description: UNSUPPORTED_MEDIA_DESCRIPTION })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description: 'Empty file, no audio stream, longer than MAX_AUDIO_SECONDS (`too_long`), or no speech.',
  })
  @ApiGatewayTimeoutResponse({ type: ErrorBodyDto, description: 'No processor answered in time.' })
  async detect(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() _fields: DetectLanguageFieldsDto, // validated only: unknown fields are refused
  ): Promise<DetectedLanguageDto> {
    if (!file) throw new BadRequestException(MISSING_FILE);
    await this.media.probe(file.path);
    try {
      const job = await within(this.queue.detectLanguage(file.path), 'redis');
      const { language } = await this.waiter
        .result<DetectLanguageResult>(job, DETECT_TIMEOUT_MS)
        .catch((error: Error) => {
          if (/timed out|timeout/i.test(error.message))
            throw new GatewayTimeoutException(
              `No processor answered within ${DETECT_TIMEOUT_MS / 1000} s; check that processors are running.`,
            );
          throw error;
        });
      if (!language) throw new UnprocessableEntityException('No speech was found in the file.');
      return { language };
    } finally {
      await rm(file.path, { force: true });
    }
  }
}
