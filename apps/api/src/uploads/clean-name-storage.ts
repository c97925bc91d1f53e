import { cleanFileName } from '@app/http';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';

/**
 * A multer storage engine around another that cleans the upload's name before anything sees it
 * (`cleanFileName`: no control or bidirectional-formatting characters, at most 255 characters), so
 * every route that takes a file (tasks, classic ASR, OpenAI, extract-audio, detect-language) stores
 * and answers the same clean `originalname`. busboy has already decoded it once (`filename*` as
 * RFC 5987, `filename` as UTF-8) and kept its base name; nothing is decoded again.
 */
export class CleanNameStorage implements StorageEngine {
  constructor(private readonly inner: StorageEngine) {}

  _handleFile(
    request: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<Express.Multer.File>) => void,
  ): void {
    file.originalname = cleanFileName(file.originalname);
    this.inner._handleFile(request, file, callback);
  }

  _removeFile(request: Request, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    this.inner._removeFile(request, file, callback);
  }
}
