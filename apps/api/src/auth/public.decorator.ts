import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

/** Metadata key of `@Public()`. */
export const IS_PUBLIC = 'hark:public';

/**
 * Declares a controller or handler public: `ApiKeyGuard` lets requests through without a key (and
 * without counting them). Every other route needs a key when API keys are configured. In the
 * OpenAPI document the operations need no security.
 */
export const Public = (): ClassDecorator & MethodDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiSecurity({}));
