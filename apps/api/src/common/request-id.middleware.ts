import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Gives every request an id (the client's `X-Request-Id` when it sends a sane one), returns it in
 * `X-Request-Id`, and logs one structured line per request when the response is finished.
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  use(request: Request, response: Response, next: NextFunction): void {
    const given = request.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    response.setHeader('X-Request-Id', id);
    const started = performance.now();
    response.on('finish', () => {
      this.logger.log({
        message: `${request.method} ${request.originalUrl} ${response.statusCode}`,
        request_id: id,
        method: request.method,
        path: request.originalUrl,
        status: response.statusCode,
        duration_ms: Math.round(performance.now() - started),
      });
    });
    next();
  }
}
