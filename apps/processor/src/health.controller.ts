import { HarkConfig } from '@app/config';
import { DependencyHealthIndicator } from '@app/tasks';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { AsrEngines } from './asr-engines';
import { workerDeviceLabel } from './devices/devices';
import { TranscriptionWorkers } from './transcription-workers';

/** The processor's probes, on PROCESSOR_HEALTH_PORT. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dependencies: DependencyHealthIndicator,
    private readonly engines: AsrEngines,
    private readonly workers: TranscriptionWorkers,
    private readonly config: HarkConfig,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Redis, Postgres, the device (`cpu` or this worker's `cuda:<index>`), the models (loaded, or
   * loaded on demand) and the workers consuming; 503 naming what is down.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.dependencies.isHealthy('redis'),
      () => this.dependencies.isHealthy('postgres'),
      () =>
        this.indicators
          .check('device')
          .up({ device: workerDeviceLabel(this.config), provider: this.config.asrProvider }),
      // The models are checked (and loaded, unless on demand) before the probes listen, so this entry names them rather than checks them.
      () => this.indicators.check('model').up({ name: this.engines.summary(), models: this.engines.status() }),
      () =>
        this.workers.isRunning()
          ? this.indicators.check('worker').up()
          : this.indicators.check('worker').down({ message: 'the worker is not consuming jobs' }),
    ]);
  }
}
