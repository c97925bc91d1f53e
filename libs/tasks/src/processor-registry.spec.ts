import { randomUUID } from 'node:crypto';
import { loadConfig } from '@app/config';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../../test/support/env';
import { waitFor } from '../../../test/support/wait';
import {
  liveModels,
  type ProcessorAnnouncement,
  processorIndexKey,
  processorKey,
  ProcessorRegistry,
  PROCESSOR_TTL_MS,
} from './processor-registry';

/** An announcement of processor `id` serving `models` (name → loaded, word times). */
function announcement(id: string, models: Record<string, [boolean, boolean]>, device = 'cpu'): ProcessorAnnouncement {
  return {
    id,
    host: 'test-host',
    pid: 1,
    device,
    models: Object.entries(models).map(([name, [loaded, words]]) => ({ name, loaded, word_timestamps: words })),
    started_at: '2026-01-01T00:00:00.000Z',
  };
}

/** The registry against the real Redis, under a key prefix of its own: each registry stands for one processor or api node. */
describe('ProcessorRegistry', () => {
  const prefix = `hark-test-registry-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({ REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix });
  const redis = new Redis(config.redisUrl);
  const registries: ProcessorRegistry[] = [];
  const registry = () => {
    const created = new ProcessorRegistry(config);
    registries.push(created);
    return created;
  };

  afterEach(async () => {
    await Promise.all(registries.splice(0).map((created) => created.onModuleDestroy()));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  });
  afterAll(() => redis.disconnect());

  it('lists the announced processors and the models they serve, merged by name', async () => {
    await registry().announce(() => announcement('p1', { 'large-v3': [true, false], tiny: [false, false] }));
    await registry().announce(() => announcement('p2', { tiny: [true, true] }));
    const reader = registry();
    expect((await reader.processors()).map((processor) => processor.id).sort()).toEqual(['p1', 'p2']);
    expect(await reader.liveModels()).toEqual([
      { name: 'large-v3', processors: 1, loaded: true, word_timestamps: false, devices: ['cpu'] },
      { name: 'tiny', processors: 2, loaded: true, word_timestamps: true, devices: ['cpu'] },
    ]);
    // The layout other tools may read: a JSON string per processor with a TTL of three heartbeats, and the set of ids.
    expect(JSON.parse((await redis.get(processorKey(prefix, 'p1')))!)).toMatchObject({ id: 'p1', device: 'cpu' });
    expect(await redis.pttl(processorKey(prefix, 'p1'))).toBeGreaterThan(PROCESSOR_TTL_MS - 2000);
    expect((await redis.smembers(processorIndexKey(prefix))).sort()).toEqual(['p1', 'p2']);
  });

  it('writes a change at once (a model unloaded), and withdraws on a clean shutdown', async () => {
    let loaded = true;
    const writer = registry();
    await writer.announce(() => announcement('p1', { tiny: [loaded, false] }));
    const reader = registry();
    expect((await reader.liveModels())[0].loaded).toBe(true);
    loaded = false;
    await writer.refresh();
    expect((await reader.liveModels())[0].loaded).toBe(false);
    await writer.withdraw();
    expect(await reader.processors()).toEqual([]);
    expect(await redis.exists(processorKey(prefix, 'p1'), processorIndexKey(prefix))).toBe(0);
  });

  it('drops a processor whose announcement expired (it died without withdrawing) and prunes its id', async () => {
    const dead = registry();
    await dead.announce(() => announcement('dead', { tiny: [true, false] }));
    await registry().announce(() => announcement('alive', { base: [true, false] }));
    // A processor killed with SIGKILL stops its heartbeats; its key expires after PROCESSOR_TTL_MS (shortened here).
    await dead.withdraw().catch(() => undefined);
    await redis.sadd(processorIndexKey(prefix), 'dead');
    await redis.set(
      processorKey(prefix, 'dead'),
      JSON.stringify(announcement('dead', { tiny: [true, false] })),
      'PX',
      50,
    );
    const reader = registry();
    await waitFor(async () => (await reader.processors()).length === 1, { what: 'the dead processor to expire' });
    expect((await reader.liveModels()).map((model) => model.name)).toEqual(['base']);
    expect(await redis.smembers(processorIndexKey(prefix))).toEqual(['alive']);
  });

  it('keeps heartbeating: the announcement outlives its TTL while the processor runs', async () => {
    await registry().announce(() => announcement('p1', { tiny: [true, false] }));
    // Every heartbeat sets the TTL again: it never falls far below PROCESSOR_TTL_MS.
    await new Promise((done) => setTimeout(done, 5500));
    expect(await redis.pttl(processorKey(prefix, 'p1'))).toBeGreaterThan(PROCESSOR_TTL_MS - 2000);
  });
});

describe('liveModels', () => {
  it('counts processors per model, loaded when any has it loaded, with their devices, sorted by name', () => {
    expect(
      liveModels([
        announcement('a', { tiny: [false, false], base: [false, false] }, 'cuda:1'),
        announcement('b', { tiny: [true, false] }, 'cuda:0'),
        announcement('c', { tiny: [true, false] }, 'cuda:0'),
      ]),
    ).toEqual([
      { name: 'base', processors: 1, loaded: false, word_timestamps: false, devices: ['cuda:1'] },
      { name: 'tiny', processors: 3, loaded: true, word_timestamps: false, devices: ['cuda:0', 'cuda:1'] },
    ]);
    expect(liveModels([])).toEqual([]);
  });
});
