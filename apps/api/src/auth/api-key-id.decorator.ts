import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { KeyedRequest } from './api-key.guard';

/** The id of the API key that authenticated the request (undefined when no keys are configured). */
export const ApiKeyId = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<KeyedRequest>().apiKeyId,
);
