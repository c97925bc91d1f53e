import { HttpException } from '@nestjs/common';

/**
 * An error whose body is sent exactly as given, for endpoints that must keep another API's
 * error shape (the classic ASR task API). The exception filter still cleans up uploads.
 */
export class RawBodyException extends HttpException {
  constructor(body: Record<string, unknown>, status: number) {
    super(body, status);
  }
}
