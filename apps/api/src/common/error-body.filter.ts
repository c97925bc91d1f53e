import { HarkConfig } from '@app/config';
import { Catch, Injectable } from '@nestjs/common';
import type { ErrorBodyDto } from './error-body';
import { ShapedExceptionFilter } from './shaped-exception.filter';

/** The api's global filter: every error leaves as `ErrorBodyDto` unless its controller binds another shape. */
@Catch()
@Injectable()
export class ErrorBodyFilter extends ShapedExceptionFilter {
  constructor(config: HarkConfig) {
    super(config);
  }

  protected shape(body: ErrorBodyDto): ErrorBodyDto {
    return body;
  }
}
