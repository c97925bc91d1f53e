import {
  type AsrEngine,
  diarizationUnavailableReason,
  installedModelCapabilities,
  listInstalledModels,
  loadAsrEngine,
  type ModelCapabilities,
  ModelNotFoundError,
} from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import type { AnnouncedModel, DiarizationFacts, InstalledModel } from '@app/tasks';
import { capabilityFacts } from './capability-facts';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { engineOptions } from './engine-options';
import { ModelSlots } from './model-slots';

/**
 * The models this processor serves (ASR_MODELS), of any family, one `AsrEngine` with its own pool of
 * ASR_POOL_SIZE recognizers per loaded model. With MODEL_IDLE_TIMEOUT=0 (the default) every model
 * is loaded at start and kept; otherwise a model is loaded by the first job that needs it and
 * unloaded once no job has used it for MODEL_IDLE_TIMEOUT seconds (its recognizers are dropped, and
 * their native memory freed when V8 collects them), to be loaded again by the next job.
 */
@Injectable()
export class AsrEngines implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AsrEngines.name);
  private readonly slots: ModelSlots<AsrEngine>;
  private readonly listeners: (() => void)[] = [];
  /** Each model's capabilities, read from its files once at start (`status()` runs at every heartbeat). */
  private readonly capabilities = new Map<string, ModelCapabilities>();
  /** The models installed in MODELS_DIR (the served ones included), read once at start. */
  private installedModels: InstalledModel[] = [];

  constructor(private readonly config: HarkConfig) {
    this.slots = new ModelSlots(config.asrModels, {
      idleTimeoutMs: config.modelIdleTimeoutMs,
      load: (model) => this.loadEngine(model),
      onUnload: (model, engine, idleMs) =>
        this.logger.log(
          `Model ${model} unloaded after ${(idleMs / 1000).toFixed(1)} s without a job (MODEL_IDLE_TIMEOUT): ${engine.info.name}, ${config.asrPoolSize} recognizers freed`,
        ),
      onChange: () => this.listeners.forEach((listener) => listener()),
    });
  }

  /**
   * Checks that every model's files are there, and loads them all unless they load on demand
   * (MODEL_IDLE_TIMEOUT > 0); Nest awaits it before the workers start.
   * @throws ModelNotFoundError naming the model and MODELS_DIR; a model's loading error
   */
  async onModuleInit(): Promise<void> {
    for (const model of this.slots.models) {
      const capabilities = installedModelCapabilities(this.config.modelsDir, model);
      if (!capabilities) {
        throw new ModelNotFoundError(
          `Model "${model}" (ASR_MODELS) is not installed in MODELS_DIR (${this.config.modelsDir}). Run \`npm run models:download -- ${model}\`, or remove it from ASR_MODELS.`,
        );
      }
      this.capabilities.set(model, capabilities);
    }
    // The served models are installed too, whatever their folder's name.
    const installed = [...new Set([...listInstalledModels(this.config.modelsDir), ...this.slots.models])].sort();
    this.installedModels = installed.flatMap((name) => {
      const capabilities = this.capabilities.get(name) ?? installedModelCapabilities(this.config.modelsDir, name);
      return capabilities ? [{ name, family: capabilities.family, word_timestamps: capabilities.wordTimestamps }] : [];
    });
    if (this.config.modelIdleTimeoutMs > 0) return;
    for (const model of this.slots.models) await this.slots.load(model);
  }

  onApplicationShutdown(): void {
    this.slots.close();
  }

  /** The models served (ASR_MODELS), in order. */
  models(): string[] {
    return this.slots.models;
  }

  /** Whether this processor serves `model`. */
  serves(model: string): boolean {
    return this.slots.serves(model);
  }

  /**
   * Runs `work` with the engine of `model`, loading it first when it is not loaded; the model is
   * not unloaded while `work` runs.
   * @throws ModelNotServedError for a model not in ASR_MODELS; the model's loading error; what `work` throws
   */
  use<R>(model: string, work: (engine: AsrEngine) => Promise<R>): Promise<R> {
    return this.slots.use(model, work);
  }

  /**
   * Each served model: whether it is loaded now, and its capability facts (`capabilityFacts`) for
   * the registry, at every heartbeat: the model files are not read again (their capabilities come
   * from `onModuleInit`); the two diarization model files are looked for, so installing them is
   * announced without a restart.
   */
  status(): AnnouncedModel[] {
    const diarization = this.diarization();
    return this.slots.models.flatMap((name) => {
      const capabilities = this.capabilities.get(name);
      const loaded = this.slots.loaded(name) !== undefined;
      return capabilities ? [{ name, loaded, ...capabilityFacts(capabilities, diarization) }] : [];
    });
  }

  /** The models installed in MODELS_DIR (served or not), with their family and word times; read at start. */
  installed(): InstalledModel[] {
    return this.installedModels;
  }

  /** Whether speaker diarization can run on this processor (both models installed), and why not. */
  diarization(): DiarizationFacts {
    const reason = diarizationUnavailableReason(this.config);
    return reason ? { available: false, reason } : { available: true };
  }

  /**
   * One line for logs and the readiness probe: each model with its engine when loaded, e.g.
   * `sherpa-onnx/whisper-tiny (int8, cpu); large-v3 (loaded on demand)`.
   */
  summary(): string {
    return this.slots.models
      .map((name) => this.slots.loaded(name)?.info.name ?? `${name} (loaded on demand)`)
      .join('; ');
  }

  /** Calls `listener` after a model was loaded or unloaded. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private async loadEngine(model: string): Promise<AsrEngine> {
    const started = performance.now();
    const engine = await loadAsrEngine(engineOptions(this.config, model));
    this.logger.log(
      `Model ${model} loaded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${engine.info.name}, ${this.config.asrPoolSize} recognizers × ${this.config.asrThreads} threads`,
    );
    return engine;
  }
}
