import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarkConfig } from '@app/config';
import { DependencyHealthIndicator } from '@app/tasks';
import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { HealthExceptionFilter } from './health-exception.filter';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

/** Liveness and readiness probes of the api (public, never behind API keys). */
@Public()
@ApiTags('health')
@Controller('health')
@UseFilters(HealthExceptionFilter)
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dependencies: DependencyHealthIndicator,
    private readonly config: HarkConfig,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is up' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: Postgres, Redis and storage answer (503 naming the failing component)' })
  ready() {
    return this.health.check([
      () => this.dependencies.isHealthy('postgres'),
      () => this.dependencies.isHealthy('redis'),
      () => this.storageWritable(),
    ]);
  }

  /** STORAGE_DIR accepts a file (uploads land there). */
  private async storageWritable() {
    const indicator = this.indicators.check('storage');
    const probe = join(this.config.storageDir, `.health-${randomUUID()}`);
    try {
      await writeFile(probe, 'ok');
      await rm(probe);
      return indicator.up();
    } catch (error) {
      // The error code only: probe output never shows paths.
      return indicator.down({
        message: `STORAGE_DIR is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      });
    }
  }
}
