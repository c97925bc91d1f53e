import { type Dependency, DependencyMonitor } from '@app/tasks';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { REQUIRES_KEY } from './requires.decorator';

/**
 * Answers 503 (`dependency_unavailable`, Retry-After) before a route runs when a dependency it
 * declares with `@Requires()` is down, as `DependencyMonitor` last saw it (within about a second),
 * instead of letting the request fail or hang on the way.
 */
@Injectable()
export class DependencyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly monitor: DependencyMonitor,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const needed = this.reflector.getAllAndMerge<Dependency[]>(REQUIRES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (needed.length) this.monitor.assertUp(needed);
    return true;
  }
}
