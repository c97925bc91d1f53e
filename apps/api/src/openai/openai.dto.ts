import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_PROMPT_LENGTH } from '../tasks/dto/decode-options.dto';
import { EmptyToUndefined, ToBoolean, ToNumber } from '../tasks/dto/transforms';

/** `response_format` of translations (OpenAI's translation formats). */
export const OPENAI_TRANSLATION_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
/** `response_format` of transcriptions: the translation formats and `diarized_json` (OpenAI's `AudioResponseFormat`). */
export const OPENAI_RESPONSE_FORMATS = [...OPENAI_TRANSLATION_FORMATS, 'diarized_json'] as const;
export type OpenAiResponseFormat = (typeof OPENAI_RESPONSE_FORMATS)[number];

/** The fields both audio endpoints take, as OpenAI's audio API defines them. */
class OpenAiAudioDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The audio or video file.' })
  @Allow() // a known field (multer takes the file out of the body); declared, so never refused as unknown
  file?: unknown;

  @ApiProperty({
    description:
      '`whisper-1` (the default model, ASR_MODEL), or the name of a model a running processor serves (`GET /v1/models`). An unknown model is 404 `model_not_found`; a model installed here that no running processor serves is 422.',
    example: 'whisper-1',
    maxLength: 64,
  })
  @IsString()
  @MaxLength(64, {
    message: 'model must be at most 64 characters: whisper-1, or a model name from GET /v1/models',
  })
  model: string;

  @ApiPropertyOptional({
    description: 'Text to guide the model. Not supported by the engine: only empty is accepted.',
    maxLength: MAX_PROMPT_LENGTH,
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PROMPT_LENGTH)
  prompt?: string;

  @ApiPropertyOptional({ description: 'Sampling temperature. The decoder is greedy: only 0 is accepted.', default: 0 })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  temperature?: number;
}

/** Fields of `POST /v1/audio/translations`, as OpenAI's audio API defines them. */
export class OpenAiTranslationDto extends OpenAiAudioDto {
  @ApiPropertyOptional({ enum: OPENAI_TRANSLATION_FORMATS, default: 'json' })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(OPENAI_TRANSLATION_FORMATS)
  response_format?: (typeof OPENAI_TRANSLATION_FORMATS)[number];
}

/** Fields of `POST /v1/audio/transcriptions`. */
export class OpenAiTranscriptionDto extends OpenAiAudioDto {
  @ApiPropertyOptional({
    enum: OPENAI_RESPONSE_FORMATS,
    default: 'json',
    description:
      '`diarized_json` (transcriptions only) diarizes the audio, as `diarize=true` on a task does (needs the diarization models, see `GET /api/v1/engine` → `diarization`; 422 otherwise), and answers in OpenAI\'s diarized shape: `{task, duration, text, segments: [{type: "transcript.text.segment", id, start, end, text, speaker}]}`, speakers labelled `SPEAKER_00`, `SPEAKER_01`, ….',
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(OPENAI_RESPONSE_FORMATS)
  response_format?: OpenAiResponseFormat;

  @ApiPropertyOptional({
    description: 'Spoken language (ISO-639-1); detected when left out.',
    example: 'en',
    maxLength: 16,
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsString()
  @MaxLength(16, { message: 'language must be at most 16 characters: an ISO-639-1 code such as en' })
  language?: string;

  /** Sent as `timestamp_granularities[]` form fields; multer collects them into this array. */
  @ApiPropertyOptional({
    description:
      'With `verbose_json`: `segment` (the default) gives `segments`, `word` gives `words` (needs a model with word times, see `GET /api/v1/engine`; 422 otherwise). Sent as `timestamp_granularities[]` fields.',
    type: [String],
    enum: ['segment', 'word'],
    maxItems: 2,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === undefined ? undefined : Array.isArray(value) ? value : [value],
  )
  @IsArray()
  @ArrayMaxSize(2, { message: 'timestamp_granularities[] takes at most 2 values: segment and word' })
  @IsIn(['segment', 'word'], { each: true })
  timestamp_granularities?: ('segment' | 'word')[];

  @ApiPropertyOptional({
    description:
      'true: the answer is `text/event-stream` in OpenAI\'s streaming shape — `data: {"type":"transcript.text.delta","delta":…}` as each segment is decoded, `data: {"type":"transcript.text.segment",id,start,end,text,speaker}` per final segment with `diarized_json`, and `data: {"type":"transcript.text.done","text":…}` at the end (a failure is `data: {"error":{message,type,code}}`). Only with `response_format` json, text or diarized_json.',
    default: false,
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  stream?: boolean;
}
