import { HarkConfig } from '@app/config';
import { Catch, HttpException, Injectable } from '@nestjs/common';
import type { ErrorBodyDto } from '../common/error-body';
import { ShapedExceptionFilter } from '../common/shaped-exception.filter';

/** The probes answer a failed check with terminus's per-component report (`{status, info, error, details}`) as it is. */
@Catch()
@Injectable()
export class HealthExceptionFilter extends ShapedExceptionFilter {
  constructor(config: HarkConfig) {
    super(config);
  }

  protected shape(body: ErrorBodyDto, exception: unknown): unknown {
    return exception instanceof HttpException ? exception.getResponse() : body;
  }
}
