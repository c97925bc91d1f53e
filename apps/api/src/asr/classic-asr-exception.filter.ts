import { HarkConfig } from '@app/config';
import { Catch, Injectable } from '@nestjs/common';
import type { ErrorBodyDto } from '../common/error-body';
import { ShapedExceptionFilter } from '../common/shaped-exception.filter';

/** Errors of the classic ASR task interface, in its shape: `{"error": "<message>"}`. Bound to `AsrController`. */
@Catch()
@Injectable()
export class ClassicAsrExceptionFilter extends ShapedExceptionFilter {
  constructor(config: HarkConfig) {
    super(config);
  }

  protected shape(body: ErrorBodyDto): { error: string } {
    return { error: body.message };
  }
}
