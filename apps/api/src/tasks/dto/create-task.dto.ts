import { TASK_PRIORITIES, type TaskPriority } from '@app/tasks';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUrl, MaxLength } from 'class-validator';
import { DecodeOptionsDto } from './decode-options.dto';
import { EmptyToUndefined, ToBoolean } from './transforms';

/** A new task: its media (`file` upload, or `file_url`), queue priority, callback and decoding options. */
export class CreateTaskDto extends DecodeOptionsDto {
  @ApiPropertyOptional({ description: 'Media URL the processor downloads (instead of uploading `file`). Hosts resolving to private addresses are refused unless listed in ALLOWED_URL_HOSTS.', example: 'https://example.com/talk.mp3' })
  @EmptyToUndefined()
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'file_url must be an http(s) URL' })
  @MaxLength(2048)
  file_url?: string;

  @ApiPropertyOptional({ description: 'Queue priority: `high` tasks are taken before `normal`, `normal` before `low`.', enum: TASK_PRIORITIES, default: 'normal' })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({ description: 'URL that receives a signed POST when the task completes, fails or is cancelled.', example: 'https://example.com/hooks/hark' })
  @EmptyToUndefined()
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'callback_url must be an http(s) URL' })
  @MaxLength(2048)
  callback_url?: string;

  @ApiPropertyOptional({ description: 'Include the transcript in the callback body.', default: true })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  callback_include_result?: boolean;
}

/** Swagger description of the multipart body: the options plus the media file. */
export class CreateTaskUploadDto extends CreateTaskDto {
  @ApiProperty({ type: 'string', format: 'binary', required: false, description: 'The audio or video file (any container ffmpeg reads: wav, mp3, m4a, flac, ogg/opus, mp4, mkv, webm, …). Give either `file` or `file_url`.' })
  file?: unknown;
}
