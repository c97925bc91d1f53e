import type { Dependency } from '@app/tasks';
import { SetMetadata } from '@nestjs/common';

export const REQUIRES_KEY = 'hark:requires';

/**
 * Declares what a route (or every route of a controller) cannot answer without. While one of them
 * is down, the route answers 503 at once, naming it, with Retry-After (`DependencyGuard`); routes
 * that declare nothing keep working.
 */
export const Requires = (...dependencies: Dependency[]) => SetMetadata(REQUIRES_KEY, dependencies);
