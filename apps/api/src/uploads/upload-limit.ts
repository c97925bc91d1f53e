import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { HarkConfig } from '@app/config';
import { cleanFileName } from '@app/http';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { StorageEngine } from 'multer';
import { Observable, race } from 'rxjs';
import { BodyTooLargeException, uploadTooLargeMessage } from '../common/body-limits';

/**
 * Room for the multipart envelope besides the file (boundaries, part headers, the other form
 * fields): a request whose Content-Length exceeds MAX_UPLOAD_BYTES by more than this is refused unread.
 */
export const MULTIPART_ENVELOPE_BYTES = 64 * 1024;

/** Called when the file of a request crosses MAX_UPLOAD_BYTES, with the file multer is writing. */
type LimitListener = (file: Express.Multer.File) => void;
const limitListeners = new WeakMap<IncomingMessage, LimitListener>();

/**
 * A multer storage engine around another (the disk storage): cleans the upload's name before
 * anything sees it (`cleanFileName`: no control or bidirectional-formatting characters, at most 255
 * characters; busboy has already decoded it once), tells `UploadLimitInterceptor` the moment a file
 * crosses the size limit (multer itself only reports it once the whole request has been read), and
 * deletes the partial file of an upload that failed (a client that went away, a connection cut),
 * which multer's disk storage leaves behind.
 */
export class LimitAwareStorage implements StorageEngine {
  constructor(private readonly inner: StorageEngine) {}

  _handleFile(
    request: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<Express.Multer.File>) => void,
  ): void {
    file.originalname = cleanFileName(file.originalname);
    file.stream.once('limit', () => limitListeners.get(request)?.(file));
    this.inner._handleFile(request, file, (error?: unknown, info?: Partial<Express.Multer.File>) => {
      // `file.path` is set by the disk storage as soon as it opened the file.
      if (error && file.path) void rm(file.path, { force: true }).finally(() => callback(error));
      else callback(error, info);
    });
  }

  _removeFile(request: Request, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    this.inner._removeFile(request, file, callback);
  }
}

/**
 * Answers an upload over MAX_UPLOAD_BYTES with 413 as early as possible, and closes the connection
 * so the client stops sending: before reading anything when its Content-Length says so (beyond
 * `MULTIPART_ENVELOPE_BYTES` of envelope), otherwise (a chunked body) the moment the file crosses
 * the limit, its partial file deleted first. The error goes through the route's filter, so each API
 * answers in its own shape. Global: it runs before the routes' `FileInterceptor`.
 */
@Injectable()
export class UploadLimitInterceptor implements NestInterceptor {
  constructor(private readonly config: HarkConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    if (!request.is('multipart/form-data')) return next.handle();
    const tooLarge = () => {
      // The limit can be crossed after multer's own size error was already answered (a race of the
      // two paths): the late one must not touch the sent response.
      if (!response.headersSent) response.setHeader('Connection', 'close');
      return new BodyTooLargeException(uploadTooLargeMessage(this.config.maxUploadBytes));
    };
    const length = Number(request.headers['content-length']);
    if (length > this.config.maxUploadBytes + MULTIPART_ENVELOPE_BYTES) throw tooLarge();
    const limitCrossed = new Observable<never>((subscriber) => {
      limitListeners.set(request, (file) => {
        void rm(file.path, { force: true })
          .catch(() => undefined)
          .then(() => subscriber.error(tooLarge()));
      });
      return () => limitListeners.delete(request);
    });
    return race(next.handle(), limitCrossed);
  }
}
