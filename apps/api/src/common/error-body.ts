import { ApiProperty } from '@nestjs/swagger';

/** One invalid field of a request. */
export class FieldErrorDto {
  @ApiProperty({ example: 'priority' })
  field: string;

  @ApiProperty({ example: ['priority must be one of the following values: high, normal, low'] })
  problems: string[];
}

/** The body of every error response (4xx and 5xx). */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ description: 'What was wrong and how to fix it.', example: 'priority must be one of the following values: high, normal, low' })
  message: string;

  @ApiProperty({ required: false, description: 'Machine-readable class of the error, where there is one (e.g. `not_found`, `unsupported_link`, `rate_limit_exceeded`).', example: 'unsupported_link' })
  code?: string;

  @ApiProperty({ type: [FieldErrorDto], required: false, description: 'Per-field problems, for validation errors.' })
  details?: FieldErrorDto[];
}
