import type { HarkConfig } from '@app/config';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { toErrorResponse } from '../common/error-response';
import { authenticate } from './api-keys';

/**
 * Express middleware for routes that Nest's guards do not cover (Swagger UI and the OpenAPI
 * document are plain Express routes): lets a request through only with one of the configured
 * keys, and answers anything else with the api's 401 error body.
 */
export function requireApiKey(config: HarkConfig): RequestHandler {
  return (request: Request, response: Response, next: NextFunction): void => {
    try {
      authenticate(request.headers.authorization, config.apiKeys);
    } catch (error) {
      const { body } = toErrorResponse(error, config.maxUploadBytes);
      response.status(body.statusCode).json(body);
      return;
    }
    next();
  };
}
