import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AuthenticatedRequest } from '../auth/principal';
import { redactUrl } from './redact-url';

/** The name of the API key that authenticated the request, once `ApiKeyGuard` ran. */
const principalName = (request: Request) => (request as AuthenticatedRequest).principal?.name;

/**
 * Gives every request an id (the client's `X-Request-Id` when it sends a sane one), returns it in
 * `X-Request-Id`, and logs one structured line per request when the response is finished (with
 * `api_key_name`, the name of the key that sent it; never the key; secrets in the query string
 * `[REDACTED]`).
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
      const path = redactUrl(request.originalUrl); // secrets in the query string never reach the log
      this.logger.log({
        message: `${request.method} ${path} ${response.statusCode}`,
        request_id: id,
        method: request.method,
        path,
        status: response.statusCode,
        duration_ms: Math.round(performance.now() - started),
        ...(principalName(request) ? { api_key_name: principalName(request) } : {}),
      });
    });
    next();
  }
}
