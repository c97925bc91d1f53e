import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { HarkConfig } from '@app/config';
import { type ProcessorAnnouncement, ProcessorRegistry } from '@app/tasks';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AsrEngines } from './asr-engines';
import { workerDeviceLabel } from './devices/devices';

/**
 * Announces this processor and the models it serves in the processor registry (`ProcessorRegistry`,
 * libs/tasks): once the app is up, at every heartbeat, and at once when a model is loaded or
 * unloaded. The registry withdraws the announcement when the app shuts down.
 */
@Injectable()
export class ModelAnnouncer implements OnApplicationBootstrap {
  private readonly logger = new Logger(ModelAnnouncer.name);
  private readonly host = hostname();
  /** Unique per process start: two processes of one host never share it. */
  private readonly id = `${this.host}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly registry: ProcessorRegistry,
    private readonly engines: AsrEngines,
    private readonly config: HarkConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.engines.onChange(() => void this.registry.refresh());
    // Redis away at start does not stop the processor: the heartbeats keep trying.
    await this.registry
      .announce(() => this.announcement())
      .catch((error: unknown) =>
        this.logger.warn(
          `Could not announce this processor yet (${error instanceof Error ? error.message : String(error)}); retrying at every heartbeat`,
        ),
      );
  }

  /** What this processor says about itself now. */
  announcement(): ProcessorAnnouncement {
    return {
      id: this.id,
      host: this.host,
      pid: process.pid,
      device: workerDeviceLabel(this.config),
      models: this.engines.status(),
      installed: this.engines.installed(),
      started_at: this.startedAt,
    };
  }
}
