import type { ModelCapabilities } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import {
  DependencyMonitor,
  type InstalledModel,
  installedModels,
  type LiveModel,
  liveModels,
  ProcessorRegistry,
  within,
} from '@app/tasks';
import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { modelCapabilities } from './capabilities';

/** The model a new task runs on, resolved, and what it can do (from the processor registry). */
export interface TaskModel {
  /** Model name, stored on the task (`model`). */
  name: string;
  capabilities: ModelCapabilities;
}

/**
 * The models tasks may name: the default model (ASR_MODEL), always, and every model a live
 * processor serves now, as the processor registry says.
 */
@Injectable()
export class ServedModels {
  constructor(
    private readonly registry: ProcessorRegistry,
    private readonly monitor: DependencyMonitor,
    private readonly config: HarkConfig,
  ) {}

  /** The default model: what a task that names none runs on (ASR_MODEL). */
  get defaultModel(): string {
    return this.config.asrModel;
  }

  /**
   * The models the live processors serve now, by name.
   * @throws HarkError `dependency_unavailable` (503) when Redis, which holds the registry, does not answer
   */
  live(): Promise<LiveModel[]> {
    return within(this.registry.liveModels(), 'redis');
  }

  /** `live()`, or null when Redis does not answer (for listings that work without it). */
  liveOrNull(): Promise<LiveModel[] | null> {
    if (this.monitor.down().includes('redis')) return Promise.resolve(null);
    return this.live().catch(() => null);
  }

  /**
   * What the live processors serve and what is installed in their MODELS_DIR (served or not), from
   * one read of the registry; null when Redis does not answer.
   */
  async registryOrNull(): Promise<{ live: LiveModel[]; installed: InstalledModel[] } | null> {
    if (this.monitor.down().includes('redis')) return null;
    const processors = await within(this.registry.processors(), 'redis').catch(() => null);
    return processors && { live: liveModels(processors), installed: installedModels(processors) };
  }

  /**
   * The model of a new task: the one it names, or the default. The default model is never refused
   * (its tasks wait in its queue while no processor serves it, e.g. while they restart); any other
   * model must be served by a live processor now.
   * @param requested the task's `model`; undefined (left out) is the default
   * @throws UnprocessableEntityException (422) for a model no live processor serves, listing the
   *   models served now; HarkError `dependency_unavailable` (503) when Redis is down, so a model
   *   other than the default cannot be checked
   */
  async resolve(requested: string | undefined): Promise<TaskModel> {
    const name = requested ?? this.defaultModel;
    if (name === this.defaultModel) {
      // What the live processors serving it announce; accepted while none is live (or Redis is away).
      const live = (await this.liveOrNull()) ?? [];
      return { name, capabilities: modelCapabilities(this.config, name, live) };
    }
    this.monitor.assertUp(['redis']);
    const live = await this.live();
    if (!live.some((model) => model.name === name)) throw this.notServed(name, live);
    return { name, capabilities: modelCapabilities(this.config, name, live) };
  }

  /** 422 for a model no live processor serves, naming the ones served now and how to get this one. */
  private notServed(name: string, live: readonly LiveModel[]): UnprocessableEntityException {
    const served = live.map((model) => model.name);
    const listed = served.length ? served.join(', ') : 'none (no processor is running)';
    const problem = `no running processor serves the model '${name}'; models served now: ${listed}`;
    return new UnprocessableEntityException({
      message: `No running processor serves the model '${name}'. Models served now: ${listed}. Name one of them, or leave model out to use the default model (${this.defaultModel}); to serve ${name}, start a processor with ${name} in ASR_MODELS (its files in MODELS_DIR). GET /api/v1/engine lists the models served (live_models).`,
      details: [{ field: 'model', problems: [problem] }],
    });
  }
}
