import { describe, expect, it } from 'vitest';
import type { TaskEntity } from './task.entity';
import { type TaskFinished, TaskFinishedBus, type TaskFinishedSubscriber } from './task-finished';

const task = (text: string) => ({ id: 't1', status: 'completed', result: { text } }) as unknown as TaskEntity;

/** A subscriber that records what it saw in `seen`, and for a holder returns a changed task. */
function subscriber(name: string, seen: string[], holdsCallback = false, fails = false): TaskFinishedSubscriber {
  return {
    name,
    holdsCallback,
    onTaskFinished: async ({ task: current }: TaskFinished) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(`${name}:${(current.result as { text: string }).text}`);
      if (fails) throw new Error(`${name} broke`);
      return holdsCallback ? ({ ...current, result: { text: `${name}'d` } } as unknown as TaskEntity) : undefined;
    },
  };
}

describe('TaskFinishedBus', () => {
  it('runs the subscribers that hold the callback first, each seeing the task the one before left', async () => {
    const bus = new TaskFinishedBus();
    const seen: string[] = [];
    bus.subscribe(subscriber('callback', seen));
    bus.subscribe(subscriber('translate', seen, true));
    bus.subscribe(subscriber('summarize', seen, true));
    await bus.emit({ status: 'completed', task: task('hi') });
    expect(seen).toEqual(['translate:hi', "summarize:translate'd", "callback:summarize'd"]);
  });

  it("a subscriber's failure is logged: the others still run and emit resolves", async () => {
    const bus = new TaskFinishedBus();
    const seen: string[] = [];
    bus.subscribe(subscriber('translate', seen, true, true));
    bus.subscribe(subscriber('callback', seen));
    await expect(bus.emit({ status: 'completed', task: task('hi') })).resolves.toBeUndefined();
    expect(seen).toEqual(['translate:hi', 'callback:hi']);
  });

  it('an unsubscribed subscriber hears nothing more', async () => {
    const bus = new TaskFinishedBus();
    const seen: string[] = [];
    const unsubscribe = bus.subscribe(subscriber('callback', seen));
    unsubscribe();
    await bus.emit({ status: 'failed', task: task('hi') });
    expect(seen).toEqual([]);
  });
});
