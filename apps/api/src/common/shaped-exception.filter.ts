import { unlink } from 'node:fs/promises';
import { HarkConfig } from '@app/config';
import { type ArgumentsHost, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ErrorBodyDto } from './error-body';
import { toErrorResponse } from './error-response';

/**
 * What every error filter of the api does, whatever the shape of its body: deletes an upload
 * that multer already stored for the failed request (a rejected request leaves no file behind),
 * logs 5xx with their stack, sets Retry-After, and sends `shape(body)`. One subclass per response shape.
 */
export abstract class ShapedExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(protected readonly config: HarkConfig) {}

  /** The response body for an error, in this filter's shape. */
  protected abstract shape(body: ErrorBodyDto, exception: unknown): unknown;

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    if (request.file?.path) await unlink(request.file.path).catch(() => undefined);
    const { body, retryAfter } = toErrorResponse(exception, this.config.maxUploadBytes);
    if (body.statusCode >= 500 && body.code !== 'dependency_unavailable') {
      this.logger.error(
        `${request.method} ${request.originalUrl} failed`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    if (retryAfter && !response.getHeader('Retry-After')) response.setHeader('Retry-After', String(retryAfter));
    response.status(body.statusCode).json(this.shape(body, exception));
  }
}
