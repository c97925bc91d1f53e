import { AsrEngine } from '@app/asr-engine';
import { RedisHealthIndicator } from '@app/tasks';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TranscriptionWorker } from './transcription.worker';

/** The processor's probes, on PROCESSOR_HEALTH_PORT. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
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
      () => this.redis.isHealthy('redis'),
      () => this.database.pingCheck('postgres').withTimeout(1500),
      // Nest creates the engine (loading the model) before the probes listen, so this entry names the model rather than checks it.
      () => this.indicators.check('model').up({ name: this.engine.info.name }),
      () =>
        this.worker.isRunning()
          ? this.indicators.check('worker').up()
          : this.indicators.check('worker').down({ message: 'the worker is not consuming jobs' }),
    ]);
  }
}
