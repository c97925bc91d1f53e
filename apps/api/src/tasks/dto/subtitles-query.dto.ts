import { DEFAULT_MAX_CUE_DURATION, SUBTITLE_FORMATS, type SubtitleFormat } from '@app/asr-engine';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { EmptyToUndefined, ToNumber } from './transforms';

/** Query of `GET /api/v1/tasks/{id}/subtitles`. */
export class SubtitlesQueryDto {
  @ApiPropertyOptional({
    enum: SUBTITLE_FORMATS,
    default: 'srt',
    description: 'SubRip, WebVTT, plain text, tab-separated (ms), or the transcript as JSON.',
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(SUBTITLE_FORMATS)
  format?: SubtitleFormat;

  @ApiPropertyOptional({
    description: 'Characters per line (srt, vtt); breaks at word boundaries, or between characters for CJK.',
    minimum: 1,
    maximum: 1000,
    example: 42,
  })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  max_line_width?: number;

  @ApiPropertyOptional({
    description: 'Lines per cue (srt, vtt); longer segments become several cues.',
    minimum: 1,
    maximum: 100,
    example: 2,
  })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  max_line_count?: number;

  @ApiPropertyOptional({
    description:
      'Seconds per cue (srt, vtt); longer cues are split, at word times when the task has them, else by characters.',
    minimum: 0.5,
    maximum: 600,
    default: DEFAULT_MAX_CUE_DURATION,
  })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(0.5)
  @Max(600)
  max_cue_duration?: number;
}
