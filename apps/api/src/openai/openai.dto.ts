import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Allow, IsArray, IsIn, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';
import { EmptyToUndefined, ToNumber } from '../tasks/dto/transforms';

export const OPENAI_RESPONSE_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type OpenAiResponseFormat = (typeof OPENAI_RESPONSE_FORMATS)[number];

/** Fields of `POST /v1/audio/translations`, as OpenAI's audio API defines them. */
export class OpenAiTranslationDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The audio or video file.' })
  @Allow() // a known field (multer takes the file out of the body); declared, so never refused as unknown
  file?: unknown;

  @ApiProperty({
    description: '`whisper-1` (the configured model) or the name of the installed model the processors run.',
    example: 'whisper-1',
  })
  @IsString()
  model: string;

  @ApiPropertyOptional({ description: 'Text to guide the model. Not supported by the engine: only empty is accepted.' })
  @EmptyToUndefined()
  @IsOptional()
  @IsString()
  prompt?: string;

  @ApiPropertyOptional({ enum: OPENAI_RESPONSE_FORMATS, default: 'json' })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(OPENAI_RESPONSE_FORMATS)
  response_format?: OpenAiResponseFormat;

  @ApiPropertyOptional({ description: 'Sampling temperature. The decoder is greedy: only 0 is accepted.', default: 0 })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  temperature?: number;
}

/** Fields of `POST /v1/audio/transcriptions`. */
export class OpenAiTranscriptionDto extends OpenAiTranslationDto {
  @ApiPropertyOptional({ description: 'Spoken language (ISO-639-1); detected when left out.', example: 'en' })
  @EmptyToUndefined()
  @IsOptional()
  @IsString()
  language?: string;

  /** Sent as `timestamp_granularities[]` form fields; multer collects them into this array. */
  @ApiPropertyOptional({
    description:
      'With `verbose_json`: `segment` (the default) gives `segments`, `word` gives `words` (needs a model with word times, see `GET /api/v1/engine`; 422 otherwise). Sent as `timestamp_granularities[]` fields.',
    type: [String],
    enum: ['segment', 'word'],
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === undefined ? undefined : Array.isArray(value) ? value : [value],
  )
  @IsArray()
  @IsIn(['segment', 'word'], { each: true })
  timestamp_granularities?: ('segment' | 'word')[];
}
