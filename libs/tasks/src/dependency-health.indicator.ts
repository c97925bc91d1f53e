import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { type Dependency, DEPENDENCY_NAMES, DependencyMonitor } from './dependency-monitor';

/**
 * Readiness of Postgres and Redis for the probes: a fresh ping with a one-second limit. A failure
 * says only that the dependency does not answer: probe output never shows an address or a driver
 * message.
 */
@Injectable()
export class DependencyHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly monitor: DependencyMonitor,
  ) {}

  async isHealthy(dependency: Dependency) {
    const indicator = this.health.check(dependency);
    return (await this.monitor.ping(dependency))
      ? indicator.up()
      : indicator.down({ message: `${DEPENDENCY_NAMES[dependency]} does not answer` });
  }
}
