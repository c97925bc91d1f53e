import { WHISPER_LANGUAGE_CODES } from '@app/asr-engine';
import { TASK_KINDS, TASK_PRIORITIES, type TaskKind, type TaskPriority } from '@app/tasks';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' || value === null ? undefined : typeof value === 'string' ? value.trim() : value);

/** Options of a new task (multipart form fields next to `file`). */
export class CreateTaskDto {
  @ApiPropertyOptional({
    description: 'Spoken language as a Whisper language code. Leave out (or empty) to detect it from the first speech.',
    enum: WHISPER_LANGUAGE_CODES,
    example: 'en',
    default: null,
  })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(WHISPER_LANGUAGE_CODES, { message: `language must be a Whisper language code (${WHISPER_LANGUAGE_CODES.join(', ')}) or empty for auto-detection` })
  language?: string;

  @ApiPropertyOptional({ description: '`transcribe` keeps the spoken language; `translate` outputs English.', enum: TASK_KINDS, default: 'transcribe' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(TASK_KINDS)
  task?: TaskKind;

  @ApiPropertyOptional({ description: 'Queue priority: `high` tasks are taken before `normal`, `normal` before `low`.', enum: TASK_PRIORITIES, default: 'normal' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;
}

/** Swagger description of the multipart body: the options plus the media file. */
export class CreateTaskUploadDto extends CreateTaskDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The audio or video file (any container ffmpeg reads: wav, mp3, m4a, flac, ogg/opus, mp4, mkv, webm, …).' })
  file: unknown;
}
