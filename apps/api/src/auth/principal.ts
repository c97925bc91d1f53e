import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Who sent a request: the API key that authenticated it. `name` owns the tasks the key creates and
 * counts its limits; `id` is the non-secret id of its secret; `admin` keys see every task.
 */
export interface Principal {
  name: string;
  id: string;
  admin: boolean;
}

/** A request after `ApiKeyGuard`: `principal` is undefined when the service has no keys (open) or the route is public. */
export type AuthenticatedRequest = Request & { principal?: Principal };

/** The request's `Principal` (undefined when the service has no keys), as set by `ApiKeyGuard`. */
export const Principal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
