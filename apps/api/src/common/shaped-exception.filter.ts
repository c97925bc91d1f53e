import { unlink } from 'node:fs/promises';
import { HarkConfig } from '@app/config';
import { type ArgumentsHost, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ErrorBodyDto } from './error-body';
import { toErrorResponse } from './error-response';
import { redactUrl } from './redact-url';

/**
 * What every error filter of the api does, whatever the shape of its body: deletes an upload
 * that multer already stored for the failed request (a rejected request leaves no file behind),
 * logs 5xx with their stack (secrets in the URL redacted), sets Retry-After, closes the connection
 * of a request whose body was not read to the end, and sends `shape(body)`. One subclass per response shape.
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
    const { body, retryAfter } = toErrorResponse(exception, this.config.maxUploadBytes, this.config.jsonBodyLimitBytes);
    if (body.statusCode >= 500 && body.code !== 'dependency_unavailable') {
      this.logger.error(
        `${request.method} ${redactUrl(request.originalUrl)} failed`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    if (retryAfter && !response.getHeader('Retry-After')) response.setHeader('Retry-After', String(retryAfter));
    // Refused before its body arrived (a guard's 401/429/503 on an upload): close rather than read the rest.
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || 'transfer-encoding' in request.headers;
    if (hasBody && !request.complete) response.setHeader('Connection', 'close');
    response.status(body.statusCode).json(this.shape(body, exception));
  }
}
