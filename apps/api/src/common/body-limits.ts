import type { HarkConfig } from '@app/config';
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Deepest nesting of objects and arrays accepted in a JSON body (Hark's own requests need 2). */
export const MAX_JSON_DEPTH = 64;

/** Content types whose bodies are parsed in memory (and limited by JSON_BODY_LIMIT_BYTES). */
const PARSED_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

/** A 413 whose message is final: `toErrorResponse` leaves it as it is. */
export class BodyTooLargeException extends PayloadTooLargeException {}

/** The 413 message of an upload over MAX_UPLOAD_BYTES. */
export function uploadTooLargeMessage(maxUploadBytes: number): string {
  return `The file is larger than the upload limit of ${maxUploadBytes} bytes (MAX_UPLOAD_BYTES). Send a smaller file, or extract the audio track first.`;
}

/** The 413 message of a JSON or form-urlencoded body over JSON_BODY_LIMIT_BYTES. */
export function jsonBodyTooLargeMessage(jsonBodyLimitBytes?: number): string {
  const limit = jsonBodyLimitBytes === undefined ? 'the limit' : `the limit of ${jsonBodyLimitBytes} bytes`;
  return `The request body is larger than ${limit} (JSON_BODY_LIMIT_BYTES) for JSON and form-urlencoded bodies. Send media as a multipart upload (field "file") or by URL (file_url), never inside JSON.`;
}

/**
 * Whether objects and arrays in `value` are nested more than `max` levels deep (a plain object is
 * 1 level). Walks iteratively, so any depth is safe to check.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * The api's body parsing (in place of Nest's defaults; create the app with `bodyParser: false`):
 * - a JSON or form-urlencoded body whose Content-Length is over JSON_BODY_LIMIT_BYTES is answered
 *   413 before it is read, and the connection closed (the client stops sending);
 * - JSON and form-urlencoded bodies are parsed up to JSON_BODY_LIMIT_BYTES (413 naming it beyond);
 * - a JSON body nested deeper than `MAX_JSON_DEPTH` is answered 400 (deeper structures overflow the
 *   stack of the validation that follows).
 * Errors go to the global error filter. Multipart uploads are limited by `UploadLimitInterceptor`.
 */
export function useBodyLimits(app: NestExpressApplication, config: Pick<HarkConfig, 'jsonBodyLimitBytes'>): void {
  const limit = config.jsonBodyLimitBytes;
  app.use((request: Request, response: Response, next: NextFunction) => {
    const length = Number(request.headers['content-length']);
    if (length > limit && request.is(PARSED_TYPES)) {
      response.setHeader('Connection', 'close');
      next(new BodyTooLargeException(jsonBodyTooLargeMessage(limit)));
      return;
    }
    next();
  });
  app.useBodyParser('json', { limit });
  app.useBodyParser('urlencoded', { extended: true, limit });
  app.use((request: Request, _response: Response, next: NextFunction) => {
    if (request.is('application/json') && nestedDeeperThan(request.body, MAX_JSON_DEPTH)) {
      const problem = `nested more than ${MAX_JSON_DEPTH} levels deep`;
      next(
        new BadRequestException({
          message: `The JSON body is ${problem}. Send a flat JSON object of the documented fields (e.g. {"file_url": "https://…", "language": "en"}).`,
          details: [{ field: 'body', problems: [problem] }],
        }),
      );
      return;
    }
    next();
  });
}
