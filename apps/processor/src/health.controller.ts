import { AsrEngine } from '@app/asr-engine';
import { DependencyHealthIndicator } from '@app/tasks';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { TranscriptionWorker } from './transcription.worker';

/** The processor's probes, on PROCESSOR_HEALTH_PORT. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dependencies: DependencyHealthIndicator,
    private readonly engine: AsrEngine,
    private readonly worker: TranscriptionWorker,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Redis, Postgres, the model loaded and the worker consuming; 503 naming what is down. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.dependencies.isHealthy('redis'),
      () => this.dependencies.isHealthy('postgres'),
      // Nest creates the engine (loading the model) before the probes listen, so this entry names the model rather than checks it.
      () => this.indicators.check('model').up({ name: this.engine.info.name }),
      () =>
        this.worker.isRunning()
          ? this.indicators.check('worker').up()
          : this.indicators.check('worker').down({ message: 'the worker is not consuming jobs' }),
    ]);
  }
}
