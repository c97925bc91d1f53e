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
import { IsIn, IsInt, isISO8601, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { TaskDto } from './task.dto';
import { EmptyToUndefined, ToNumber } from './transforms';

/** Largest `offset` of a task list (it stays an exact integer and within Postgres's bigint). */
export const MAX_OFFSET = 1_000_000_000;

const CALENDAR_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A calendar date or date-time in ISO 8601's extended form (`2026-11-01`, `2026-11-01T08:30:00Z`,
 * `…+01:00`), a real day (no 30 February): what JavaScript's Date and Postgres read alike. Week
 * dates (`2026W011`) and ordinal dates, which ISO 8601 also allows, are not.
 */
const IsDateTime = (field: string) =>
  ValidateBy({
    name: 'isDateTime',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && CALENDAR_DATE_TIME.test(value) && isISO8601(value, { strict: true }),
      defaultMessage: () =>
        `${field} must be an ISO 8601 date or date-time such as 2026-11-01 or 2026-11-01T00:00:00Z (a real day; no week or ordinal dates)`,
    },
  });

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
  @IsDateTime('created_after')
  created_after?: string;

  @ApiPropertyOptional({
    description: 'Only tasks created before this time (ISO 8601).',
    example: '2026-12-01T00:00:00Z',
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsDateTime('created_before')
  created_before?: string;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @ToNumber()
  @IsOptional()
  @IsInt({ message: 'limit must be a whole number from 1 to 100' })
  @Min(1, { message: 'limit must not be less than 1 (a whole number from 1 to 100)' })
  @Max(100, { message: 'limit must not be greater than 100 (a whole number from 1 to 100)' })
  limit?: number;

  @ApiPropertyOptional({
    description: 'Tasks to skip (at most 1,000,000,000; past the last task the page is empty).',
    default: 0,
    minimum: 0,
    maximum: MAX_OFFSET,
  })
  @ToNumber()
  @IsOptional()
  @IsInt({ message: `offset must be a whole number from 0 to ${MAX_OFFSET}` })
  @Min(0, { message: `offset must be a whole number from 0 to ${MAX_OFFSET}` })
  @Max(MAX_OFFSET, { message: `offset must be at most ${MAX_OFFSET} (past the last task the page is empty)` })
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
