import { WHISPER_LANGUAGE_CODES } from '@app/asr-engine';
import { type Platform, PLATFORMS } from '@app/crawlers';
import {
  TASK_KINDS,
  TASK_PRIORITIES,
  TASK_SOURCES,
  TASK_STATUSES,
  type TaskKind,
  type TaskPriority,
  type TaskSource,
  type TaskStatus,
} from '@app/tasks';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { TaskDto } from './task.dto';
import { EmptyToUndefined, ToNumber } from './transforms';

/** Query of `GET /api/v1/tasks`. */
export class ListTasksQueryDto {
  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({ enum: TASK_KINDS })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(TASK_KINDS)
  task?: TaskKind;

  @ApiPropertyOptional({
    description:
      "The task's `language` (Whisper code): requested, or detected once the task completed (`language_requested` keeps the request).",
    enum: WHISPER_LANGUAGE_CODES,
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(WHISPER_LANGUAGE_CODES, { message: 'language must be a Whisper language code, e.g. en' })
  language?: string;

  @ApiPropertyOptional({ enum: TASK_SOURCES })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(TASK_SOURCES)
  source?: TaskSource;

  @ApiPropertyOptional({ enum: PLATFORMS, description: 'Only `link` tasks of this platform.' })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({
    description: 'Only tasks created at or after this time (ISO 8601).',
    example: '2026-11-01T00:00:00Z',
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsISO8601({}, { message: 'created_after must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z' })
  created_after?: string;

  @ApiPropertyOptional({
    description: 'Only tasks created before this time (ISO 8601).',
    example: '2026-12-01T00:00:00Z',
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsISO8601({}, { message: 'created_before must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z' })
  created_before?: string;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(0)
  offset?: number;
}

/** One page of tasks, newest first. */
export class TaskPageDto {
  @ApiProperty({ description: 'Tasks matching the filters, in all.', example: 42 })
  total: number;

  @ApiProperty({ example: 20 })
  limit: number;

  @ApiProperty({ example: 0 })
  offset: number;

  @ApiProperty({ type: [TaskDto] })
  items: TaskDto[];
}
