import { AUDIO_OUTPUT_FORMATS, type AudioOutputFormat } from '@app/media';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { EmptyToUndefined, ToNumber } from '../tasks/dto/transforms';

const FORMATS = Object.keys(AUDIO_OUTPUT_FORMATS) as AudioOutputFormat[];

/** Options of `POST /api/v1/media/extract-audio` (multipart fields next to `file`). */
export class ExtractAudioDto {
  @ApiPropertyOptional({
    description: 'Sample rate in Hz (ogg/opus: 8000, 12000, 16000, 24000 or 48000).',
    default: 16000,
    minimum: 8000,
    maximum: 48000,
  })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(8000)
  @Max(48000)
  sample_rate?: number;

  @ApiPropertyOptional({ enum: [1, 2], default: 1 })
  @ToNumber()
  @IsOptional()
  @IsIn([1, 2], { message: 'channels must be 1 or 2' })
  channels?: 1 | 2;

  @ApiPropertyOptional({
    description: 'Bits per sample, wav (16, 24, 32) and flac (16, 24) only.',
    enum: [16, 24, 32],
    default: 16,
  })
  @ToNumber()
  @IsOptional()
  @IsIn([16, 24, 32], { message: 'bit_depth must be 16, 24 or 32' })
  bit_depth?: 16 | 24 | 32;

  @ApiPropertyOptional({ enum: FORMATS, default: 'wav' })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(FORMATS)
  output_format?: AudioOutputFormat;
}

export class ExtractAudioUploadDto extends ExtractAudioDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The audio or video file.' })
  file: unknown;
}
