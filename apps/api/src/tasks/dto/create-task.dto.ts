import { MODEL_NAME_PATTERN } from '@app/config';
import { TASK_PRIORITIES, type TaskPriority } from '@app/tasks';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { DecodeOptionsDto } from './decode-options.dto';
import { EmptyToUndefined, ToBoolean } from './transforms';

/** Model, queue priority, callback and decoding options: what every way of creating a task accepts. */
export class TaskOptionsDto extends DecodeOptionsDto {
  @ApiPropertyOptional({
    description:
      'Whisper model to run the task on: a model a running processor serves (ASR_MODELS; `GET /api/v1/engine` → `live_models`), e.g. `large-v3`. Leave out (or empty) for the default model (ASR_MODEL), which is always accepted: its tasks wait in its queue while no processor serves it. A model no running processor serves is refused with 422 listing the models served. The task keeps the name (`model`).',
    example: 'tiny',
    maxLength: 64,
    pattern: MODEL_NAME_PATTERN.source,
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsString()
  @Matches(MODEL_NAME_PATTERN, {
    message:
      'model must be a model name: letters, digits, ".", "_" and "-", at most 64 characters (e.g. large-v3, small.en); GET /api/v1/engine lists the models served (live_models)',
  })
  model?: string;

  @ApiPropertyOptional({
    description: 'Queue priority: `high` tasks are taken before `normal`, `normal` before `low`.',
    enum: TASK_PRIORITIES,
    default: 'normal',
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({
    description: 'URL that receives a signed POST when the task completes, fails or is cancelled.',
    example: 'https://example.com/hooks/hark',
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'callback_url must be an http(s) URL' },
  )
  @MaxLength(2048)
  callback_url?: string;

  @ApiPropertyOptional({ description: 'Include the transcript in the callback body.', default: true })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  callback_include_result?: boolean;
}

const SHARE_LINK_DESCRIPTION =
  'A TikTok or Douyin share link, or a whole share text containing one (“7.43 复制打开抖音… https://v.douyin.com/iRNBho6u/ …”). The processor resolves it to the video and transcribes its audio; the task gets `source: "link"`, `platform`, and, once resolved, `link` (title, author, duration, cover).';

/** A new task: its media (`file` upload, `file_url`, or a share link as `url`), queue priority, callback and decoding options. */
export class CreateTaskDto extends TaskOptionsDto {
  @ApiPropertyOptional({
    description:
      'Media URL the processor downloads (instead of uploading `file`). Hosts resolving to private addresses are refused unless listed in ALLOWED_URL_HOSTS.',
    example: 'https://example.com/talk.mp3',
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'file_url must be an http(s) URL' },
  )
  @MaxLength(2048)
  file_url?: string;

  @ApiPropertyOptional({
    description: SHARE_LINK_DESCRIPTION,
    example: 'https://www.tiktok.com/@hark.demo/video/7301234567890123456',
    maxLength: 4096,
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  url?: string;
}

/** A new task from a share link of a named platform (`POST /api/v1/tiktok/tasks`, `/api/v1/douyin/tasks`). */
export class CreateLinkTaskDto extends TaskOptionsDto {
  @ApiProperty({ description: SHARE_LINK_DESCRIPTION, example: 'https://v.douyin.com/iRNBho6u/', maxLength: 4096 })
  @EmptyToUndefined()
  @IsString({ message: 'url is required: a share link of the platform, or a share text containing one' })
  @IsNotEmpty()
  @MaxLength(4096)
  url: string;
}

/** Swagger description of the multipart body: the options plus the media file. */
export class CreateTaskUploadDto extends CreateTaskDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    required: false,
    description:
      'The audio or video file (any container ffmpeg reads: wav, mp3, m4a, flac, ogg/opus, mp4, mkv, webm, …). Give one of `file`, `file_url` or `url`.',
  })
  file?: unknown;
}
