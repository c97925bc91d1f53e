import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelNotServedError, ModelSlots } from './model-slots';

/** A loaded model stand-in: which model, and which load made it. */
interface Loaded {
  model: string;
  load: number;
}

/** Slots over `models` whose loads are counted, unloads recorded and changes counted. */
function slotsFor(models: string[], idleTimeoutMs: number) {
  const loads: string[] = [];
  const unloads: { model: string; idleMs: number }[] = [];
  let changes = 0;
  const slots = new ModelSlots<Loaded>(models, {
    idleTimeoutMs,
    load: (model) => {
      loads.push(model);
      return Promise.resolve({ model, load: loads.length });
    },
    onUnload: (model, _value, idleMs) => unloads.push({ model, idleMs }),
    onChange: () => changes++,
  });
  return { slots, loads, unloads, changes: () => changes };
}

describe('ModelSlots', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('loads a model on first use, once for concurrent first uses, and keeps it without an idle timeout', async () => {
    const { slots, loads, unloads } = slotsFor(['tiny', 'large-v3'], 0);
    expect(slots.loaded('tiny')).toBeUndefined();
    const [a, b] = await Promise.all([
      slots.use('tiny', (value) => Promise.resolve(value)),
      slots.use('tiny', (value) => Promise.resolve(value)),
    ]);
    expect(a).toBe(b);
    expect(loads).toEqual(['tiny']);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(slots.loaded('tiny')).toBe(a);
    expect(unloads).toEqual([]);
  });

  it('unloads a model unused for the idle timeout, counted from the end of its last use; the next use loads it again', async () => {
    const { slots, loads, unloads, changes } = slotsFor(['tiny'], 2000);
    await slots.use('tiny', () => Promise.resolve());
    expect(changes()).toBe(1); // loaded
    await vi.advanceTimersByTimeAsync(1999);
    expect(slots.loaded('tiny')).toBeDefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(slots.loaded('tiny')).toBeUndefined();
    expect(unloads).toEqual([{ model: 'tiny', idleMs: 2000 }]);
    expect(changes()).toBe(2); // unloaded
    const again = await slots.use('tiny', (value) => Promise.resolve(value));
    expect(again).toEqual({ model: 'tiny', load: 2 });
    expect(loads).toEqual(['tiny', 'tiny']);
  });

  it('never unloads a model while a use of it runs, however long', async () => {
    const { slots, unloads } = slotsFor(['tiny'], 1000);
    let finish!: () => void;
    const running = slots.use('tiny', () => new Promise<void>((done) => (finish = done)));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(slots.loaded('tiny')).toBeDefined();
    finish();
    await running;
    await vi.advanceTimersByTimeAsync(999);
    expect(slots.loaded('tiny')).toBeDefined();
    // A use that starts before the timer fires restarts the idle time.
    await slots.use('tiny', () => Promise.resolve());
    await vi.advanceTimersByTimeAsync(999);
    expect(slots.loaded('tiny')).toBeDefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(unloads.map((unload) => unload.model)).toEqual(['tiny']);
  });

  it('a failed load leaves the model unloaded and the next use tries again', async () => {
    let fail = true;
    const slots = new ModelSlots<string>(['tiny'], {
      idleTimeoutMs: 0,
      load: (model) => (fail ? Promise.reject(new Error('no such file')) : Promise.resolve(model)),
    });
    await expect(slots.use('tiny', () => Promise.resolve())).rejects.toThrow('no such file');
    expect(slots.loaded('tiny')).toBeUndefined();
    fail = false;
    await expect(slots.use('tiny', (value) => Promise.resolve(value))).resolves.toBe('tiny');
  });

  it('refuses a model it does not serve, naming the ones it does', async () => {
    const { slots } = slotsFor(['tiny', 'base'], 0);
    expect(slots.serves('large-v3')).toBe(false);
    await expect(slots.use('large-v3', () => Promise.resolve())).rejects.toBeInstanceOf(ModelNotServedError);
    await expect(slots.load('large-v3')).rejects.toThrow(
      "This processor does not serve the model 'large-v3'; it serves tiny, base (ASR_MODELS).",
    );
  });
});
