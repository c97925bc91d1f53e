import { ERROR_CODES } from '@app/errors';
import { ApiProperty } from '@nestjs/swagger';

/** One invalid field of a request. */
export class FieldErrorDto {
  @ApiProperty({ example: 'priority' })
  field: string;

  @ApiProperty({ example: ['priority must be one of the following values: high, normal, low'] })
  problems: string[];
}

/** The body of every error response (4xx and 5xx) of the task API. */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({
    description: 'What was wrong and how to fix it.',
    example: 'priority must be one of the following values: high, normal, low',
  })
  message: string;

  @ApiProperty({
    required: false,
    enum: ERROR_CODES,
    description: 'Machine-readable class of the error, where there is one.',
    example: 'unsupported_link',
  })
  code?: string;

  @ApiProperty({ type: [FieldErrorDto], required: false, description: 'Per-field problems, for validation errors.' })
  details?: FieldErrorDto[];
}

/** The 415 of every route that takes media, for Swagger. */
export const UNSUPPORTED_MEDIA_DESCRIPTION =
  'Not a file ffprobe can read (`unreadable`); a playlist or a file that points at other files (HLS, DASH, ffconcat, …), or audio sampled below 2 kHz (`unsupported_format`).';
