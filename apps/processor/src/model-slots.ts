import { HarkError } from '@app/errors';

/**
 * Work named a model this processor does not serve (not in ASR_MODELS): not retryable here (a job
 * only reaches a processor that serves its model, through the model's queue).
 */
export class ModelNotServedError extends HarkError {
  constructor(
    readonly model: string,
    served: readonly string[],
  ) {
    super(
      'model_not_found',
      `This processor does not serve the model '${model}'; it serves ${served.join(', ')} (ASR_MODELS).`,
    );
  }
}

/** How models are loaded and unloaded, and told about. */
export interface ModelSlotsOptions<T> {
  /** Loads one model (e.g. its recognizer pool). A failure leaves the model unloaded; the next use tries again. */
  load: (model: string) => Promise<T>;
  /**
   * Milliseconds a loaded model may stay unused (no `use` running) before it is unloaded; 0:
   * never unloaded.
   */
  idleTimeoutMs: number;
  /** Called after a model was unloaded (its value dropped), with how long it had been idle, in ms. */
  onUnload?: (model: string, value: T, idleMs: number) => void;
  /** Called after a model was loaded or unloaded. */
  onChange?: () => void;
}

/** One served model: its value once loaded, the load in flight, its users, and its idle timer. */
interface Slot<T> {
  model: string;
  loading?: Promise<T>;
  value?: T;
  users: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * The models of one processor, each loaded on first use (or by `load`) and, with an idle timeout,
 * unloaded once no `use` has run for that long; a later use loads it again. Concurrent first uses
 * share one load. Knows nothing of engines: `options.load` makes the value.
 */
export class ModelSlots<T> {
  private readonly slots = new Map<string, Slot<T>>();

  /** @param models the names served (ASR_MODELS), in order */
  constructor(
    models: readonly string[],
    private readonly options: ModelSlotsOptions<T>,
  ) {
    for (const model of models) this.slots.set(model, { model, users: 0 });
  }

  /** The names served, in the order given. */
  get models(): string[] {
    return [...this.slots.keys()];
  }

  /** Whether `model` is one of the served models. */
  serves(model: string): boolean {
    return this.slots.has(model);
  }

  /** The loaded value of a model, or undefined while it is not loaded. */
  loaded(model: string): T | undefined {
    return this.slots.get(model)?.value;
  }

  /**
   * Loads a model now if it is not loaded, and keeps it (the idle timer starts after its next use).
   * @throws ModelNotServedError; what `options.load` throws
   */
  async load(model: string): Promise<T> {
    return this.acquire(this.slot(model));
  }

  /**
   * Runs `work` with a model's value, loading it first when needed; the model is not unloaded
   * while any `work` with it runs, and its idle time counts from when the last one ended.
   * @throws ModelNotServedError; what loading or `work` throws
   */
  async use<R>(model: string, work: (value: T) => Promise<R>): Promise<R> {
    const slot = this.slot(model);
    slot.users++;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    try {
      return await work(await this.acquire(slot));
    } finally {
      slot.users--;
      if (slot.users === 0) this.armIdleTimer(slot);
    }
  }

  /** Stops the idle timers (shutdown); loaded models stay as they are. */
  close(): void {
    for (const slot of this.slots.values()) clearTimeout(slot.idleTimer);
  }

  private slot(model: string): Slot<T> {
    const slot = this.slots.get(model);
    if (!slot) throw new ModelNotServedError(model, this.models);
    return slot;
  }

  private acquire(slot: Slot<T>): Promise<T> {
    if (slot.value !== undefined) return Promise.resolve(slot.value);
    slot.loading ??= this.options.load(slot.model).then(
      (value) => {
        slot.value = value;
        slot.loading = undefined;
        this.options.onChange?.();
        return value;
      },
      (error: unknown) => {
        slot.loading = undefined;
        throw error;
      },
    );
    return slot.loading;
  }

  private armIdleTimer(slot: Slot<T>): void {
    const idleMs = this.options.idleTimeoutMs;
    if (idleMs <= 0 || slot.value === undefined) return;
    const since = Date.now();
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = undefined;
      const value = slot.value;
      if (value === undefined) return; // a use clears this timer, so no use runs now
      slot.value = undefined;
      this.options.onUnload?.(slot.model, value, Date.now() - since);
      this.options.onChange?.();
    }, idleMs);
    slot.idleTimer.unref();
  }
}
