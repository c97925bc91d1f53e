import { STATUS_CODES } from 'node:http';
import { databaseBusyReason, HarkError, isConnectionError } from '@app/errors';
import { busy, dependencyOf, unavailable } from '@app/tasks';
import { HttpException, HttpStatus } from '@nestjs/common';
import { MulterError } from 'multer';
import { BodyTooLargeException, jsonBodyTooLargeMessage, uploadTooLargeMessage } from './body-limits';
import type { ErrorBodyDto, FieldErrorDto } from './error-body';
import { HTTP_STATUS } from './http-status';

/** An error as the api answers it, before a filter gives it its shape. */
export interface ErrorResponse {
  body: ErrorBodyDto;
  /** Seconds, for a Retry-After header. */
  retryAfter?: number;
}

/** What an `HttpException`'s response object may carry besides the message. */
interface ExceptionFields {
  message?: unknown;
  details?: FieldErrorDto[];
  code?: unknown;
  retryAfter?: number;
}

/**
 * Turns anything thrown while serving a request into the api's error: a `HarkError` by the
 * `HTTP_STATUS` table, a lost Postgres or Redis connection as 503 `dependency_unavailable` (a busy
 * database too, said as busy), an
 * `HttpException` as it says, anything else as a 500 that says only "Internal server error" (the
 * details go to the log, never to the client).
 * @param maxUploadBytes quoted by the message of an upload's 413
 * @param jsonBodyLimitBytes quoted by the message of a JSON (or form-urlencoded) body's 413
 */
export function toErrorResponse(thrown: unknown, maxUploadBytes: number, jsonBodyLimitBytes?: number): ErrorResponse {
  // A lost database or Redis connection is the service's outage, not the request's fault: 503;
  // so is a database that answers but is busy (full pool, statement timeout), said as such.
  const busyReason = databaseBusyReason(thrown);
  const exception = busyReason
    ? busy(busyReason)
    : !(thrown instanceof HarkError) && isConnectionError(thrown)
      ? unavailable(dependencyOf(thrown))
      : thrown;
  if (exception instanceof HarkError) {
    const { status, hint, retryAfter, field = exception.field } = HTTP_STATUS[exception.code];
    const message = hint
      ? `${exception.message}${/[.!?…]$/.test(exception.message) ? ' ' : '. '}${hint}`
      : exception.message;
    const details = exception.details ?? (field ? [{ field, problems: [exception.message] }] : undefined);
    return {
      body: {
        statusCode: status,
        error: statusName(status),
        message,
        code: exception.code,
        ...(details ? { details } : {}),
      },
      retryAfter,
    };
  }
  const misnamedFile = misnamedFileError(exception);
  if (misnamedFile) return { body: misnamedFile };
  if (!(exception instanceof HttpException)) {
    return { body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' } };
  }
  const statusCode = exception.getStatus();
  const raw = exception.getResponse();
  const fields: ExceptionFields = typeof raw === 'object' && raw !== null ? raw : {};
  let message =
    typeof raw === 'string'
      ? raw
      : Array.isArray(fields.message)
        ? fields.message.join('; ')
        : typeof fields.message === 'string'
          ? fields.message
          : exception.message;
  if (statusCode === HttpStatus.PAYLOAD_TOO_LARGE && !(exception instanceof BodyTooLargeException)) {
    // body-parser's own 413 (its http-error is the cause) is about a JSON body; multer's about the file.
    const parsedBody = (exception.cause as { type?: unknown } | undefined)?.type === 'entity.too.large';
    message = parsedBody ? jsonBodyTooLargeMessage(jsonBodyLimitBytes) : uploadTooLargeMessage(maxUploadBytes);
  }
  return {
    body: {
      statusCode,
      error: statusName(statusCode),
      message, // an HttpException's message is written for clients, 5xx ones included (e.g. 504)
      ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
      ...(fields.details && statusCode < 500 ? { details: fields.details } : {}),
    },
    retryAfter: fields.retryAfter,
  };
}

/**
 * The 400 of a file sent under another field name than `file` (`-F audio=@talk.mp3`), which multer
 * refuses as LIMIT_UNEXPECTED_FILE ("Unexpected file field - audio"): it says the field is `file`.
 */
function misnamedFileError(exception: unknown): ErrorBodyDto | undefined {
  const cause = exception instanceof HttpException ? exception.cause : exception;
  if (!(cause instanceof MulterError) || cause.code !== 'LIMIT_UNEXPECTED_FILE' || cause.field === 'file')
    return undefined;
  const field = cause.field ?? 'another field';
  return {
    statusCode: HttpStatus.BAD_REQUEST,
    error: statusName(HttpStatus.BAD_REQUEST),
    message: `The file was sent as "${field}"; send it as the multipart/form-data field "file", e.g. curl -F file=@talk.mp3 …`,
    details: [{ field: 'file', problems: [`the file must be sent as file, not as ${field}`] }],
  };
}

/** `Bad Request` for 400, `Not Found` for 404, … (Node's names of the HTTP statuses). */
function statusName(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
