import { STATUS_CODES } from 'node:http';
import { unlink } from 'node:fs/promises';
import { HarkConfig } from '@app/config';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ErrorBodyDto, FieldErrorDto } from './error-body';
import { toOpenAiError } from '../openai/openai-error';
import { RawBodyException } from './raw-body.exception';

/**
 * The one exception filter of the api. Every error leaves as `ErrorBodyDto`; a 500 says only
 * "Internal server error" and the details go to the log. An upload that multer already stored for
 * a failed request is deleted, so a rejected request leaves no file behind.
 */
@Catch()
@Injectable()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly config: HarkConfig) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    if (request.file?.path) await unlink(request.file.path).catch(() => undefined);

    // Raw bodies: the classic ASR interface, and the probes' per-component report (terminus).
    if (exception instanceof RawBodyException || (request.path.startsWith('/health/') && exception instanceof HttpException)) {
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(`${request.method} ${request.originalUrl} failed`, exception instanceof Error ? exception.stack : String(exception));
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    const extra = exception instanceof HttpException ? (exception.getResponse() as { code?: string; retryAfter?: number }) : {};
    if (extra.retryAfter) response.setHeader('Retry-After', String(extra.retryAfter));
    // OpenAI-compatible routes answer in OpenAI's error format.
    const code = extra.code;
    response.status(body.statusCode).json(request.path.startsWith('/v1/') ? toOpenAiError(body, code) : body);
  }

  private toBody(exception: unknown): ErrorBodyDto {
    if (!(exception instanceof HttpException)) {
      return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
    }
    const statusCode = exception.getStatus();
    const raw = exception.getResponse();
    const fields = typeof raw === 'object' && raw !== null ? (raw as { message?: unknown; details?: FieldErrorDto[]; code?: unknown }) : {};
    let message = typeof raw === 'string' ? raw : Array.isArray(fields.message) ? fields.message.join('; ') : String(fields.message ?? exception.message);
    if (statusCode === HttpStatus.PAYLOAD_TOO_LARGE) {
      message = `The file is larger than the upload limit of ${this.config.maxUploadBytes} bytes (MAX_UPLOAD_BYTES). Send a smaller file, or extract the audio track first.`;
    }
    return {
      statusCode,
      error: httpStatusName(statusCode),
      message, // an HttpException's message is written for clients, 5xx ones included (e.g. 504)
      ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
      ...(fields.details && statusCode < 500 ? { details: fields.details } : {}),
    };
  }
}

/** `Bad Request` for 400, `Not Found` for 404, … (Node's names of the HTTP statuses). */
function httpStatusName(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
