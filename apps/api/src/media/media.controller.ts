import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { AUDIO_OUTPUT_FORMATS, MediaTools } from '@app/media';
import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Post,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorBodyDto, UNSUPPORTED_MEDIA_DESCRIPTION } from '../common/error-body';
import { inertFile } from '../common/inert-file';
import { MISSING_FILE } from '../uploads/missing-file';
import { ExtractAudioDto, ExtractAudioUploadDto } from './extract-audio.dto';

const OPUS_RATES = [8000, 12000, 16000, 24000, 48000];

@ApiTags('media')
@Controller('api/v1/media')
export class MediaController {
  constructor(private readonly media: MediaTools) {}

  @Post('extract-audio')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Extract and convert the audio track of a file (streamed back)',
    description:
      'wav, mp3, ogg and m4a (fragmented MP4) stream as ffmpeg writes them. flac is written to a temporary file first, so its header carries the duration, sample count and checksum (a FLAC streamed straight from ffmpeg has none), and is sent once converted; the temporary file is deleted after the response.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ExtractAudioUploadDto })
  @ApiProduces('audio/wav', 'audio/flac', 'audio/mpeg', 'audio/ogg', 'audio/mp4')
  @ApiOkResponse({ description: 'The audio file.', schema: { type: 'string', format: 'binary' } })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: '`file` missing, or invalid parameters (each is named).' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorBodyDto, description: UNSUPPORTED_MEDIA_DESCRIPTION })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description: 'Empty file, no audio stream, or longer than MAX_AUDIO_SECONDS (`too_long`).',
  })
  async extract(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() options: ExtractAudioDto,
    @Res() response: Response,
  ): Promise<void> {
    if (!file) throw new BadRequestException(MISSING_FILE);
    const format = options.output_format ?? 'wav';
    const sampleRate = options.sample_rate ?? 16000;
    const problems = [
      options.bit_depth !== undefined &&
        !AUDIO_OUTPUT_FORMATS[format].lossless && {
          field: 'bit_depth',
          problems: [`bit_depth applies to wav and flac only, not ${format}`],
        },
      options.bit_depth === 32 &&
        format === 'flac' && { field: 'bit_depth', problems: ['flac supports bit_depth 16 or 24'] },
      format === 'ogg' &&
        !OPUS_RATES.includes(sampleRate) && {
          field: 'sample_rate',
          problems: [`ogg (opus) supports sample_rate ${OPUS_RATES.join(', ')}`],
        },
    ].filter((problem) => problem !== false);
    if (problems.length)
      throw new BadRequestException({ message: problems.flatMap((p) => p.problems).join('; '), details: problems });

    await this.media.probe(file.path);
    const name = `${file.originalname.replace(/\.[^.]+$/, '') || 'audio'}.${format}`;
    const audio = this.media.extractAudio(file.path, {
      format,
      sampleRate,
      channels: options.channels ?? 1,
      bitDepth: options.bit_depth ?? 16,
    });
    audio.on('close', () => void rm(file.path, { force: true }));
    response.status(200).type(AUDIO_OUTPUT_FORMATS[format].contentType);
    inertFile(response, name);
    // pipeline, not pipe: a client that goes away destroys the audio stream, which kills ffmpeg
    // (and so deletes the upload); an ffmpeg failure after the headers went out aborts the response,
    // the only way left to tell the client.
    await pipeline(audio, response).catch(() => undefined);
  }
}
