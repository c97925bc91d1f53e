import { HarkConfig } from '@app/config';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { watchRedisConnection } from './redis-connection-log';

/** How often a processor writes its announcement again, in ms. */
export const PROCESSOR_HEARTBEAT_MS = 5000;

/**
 * How long an announcement lives without a heartbeat, in ms (three heartbeats): a processor that
 * died without saying so drops out of the registry this long after its last heartbeat.
 */
export const PROCESSOR_TTL_MS = 3 * PROCESSOR_HEARTBEAT_MS;

/** One model a processor serves, as it announces it. */
export interface AnnouncedModel {
  /** Model name (ASR_MODELS), e.g. `large-v3`; its jobs come from `transcriptionQueue(name)`. */
  name: string;
  /** Whether its recognizers are in memory now (false: the next job loads it, MODEL_IDLE_TIMEOUT). */
  loaded: boolean;
  /** Whether the model's decoder gives word times (`word_timestamps=true` can be applied). */
  word_timestamps: boolean;
  /**
   * What the model can do, as its family states it and this processor can run it. Absent from
   * processors older than these fields (then only `word_timestamps` is known).
   */
  family?: string;
  /** Languages it transcribes (ISO codes). */
  languages?: string[];
  features?: ModelFeatures;
  decode_options?: DecodeOptionFacts;
  /** Speaker diarization on this processor (both diarization models installed). */
  diarization?: DiarizationFacts;
}

/** What a model gives besides text. */
export interface ModelFeatures {
  /** `task=translate` (to English). */
  translate: boolean;
  /** Segments timed within a window (else one segment per speech region). */
  segment_timestamps: boolean;
  /** Word times (`word_timestamps=true`). */
  word_timestamps: boolean;
}

/** The decode options a model applies, and those it accepts only at their default, each with why. */
export interface DecodeOptionFacts {
  /** Option names (`DecodeOptions` keys) applied at any valid value. */
  supported: string[];
  /** Option name → why only its default is accepted. */
  refused: Record<string, string>;
}

/** Whether speaker diarization can run, and why not. */
export interface DiarizationFacts {
  available: boolean;
  /** When not available: what is missing and how to get it. */
  reason?: string;
}

/** A model installed in a processor's MODELS_DIR (served or not). */
export interface InstalledModel {
  name: string;
  family: string;
  /** Whether it gives word times. */
  word_timestamps: boolean;
}

/** What a live processor says about itself: the value of its registry key, as JSON. */
export interface ProcessorAnnouncement {
  /** Unique per process start (`<host>-<pid>-<random>`). */
  id: string;
  host: string;
  pid: number;
  /** The device it runs Whisper on: `cpu`, `cuda:0`, …. */
  device: string;
  models: AnnouncedModel[];
  /** The models installed in its MODELS_DIR (served or not); absent from older processors. */
  installed?: InstalledModel[];
  /** ISO 8601 time the processor started. */
  started_at: string;
}

/** A model served by the live processors, over all of them. */
export interface LiveModel {
  name: string;
  /** How many live processors serve it. */
  processors: number;
  /** Whether at least one of them has it loaded now. */
  loaded: boolean;
  /** Whether it gives word times (as any processor serving it says). */
  word_timestamps: boolean;
  /** The devices it runs on, over those processors (`cpu`, `cuda:0`, …), each once, sorted. */
  devices: string[];
  /** Its family, languages, features and decode options, as the first processor announcing them says. */
  family?: string;
  languages?: string[];
  features?: ModelFeatures;
  decode_options?: DecodeOptionFacts;
  /** Available when every processor serving it that says so has it; else the first one's reason. */
  diarization?: DiarizationFacts;
}

/** Redis key of one processor's announcement: `<QUEUE_PREFIX>:processors:<id>` (a string of JSON, expiring after PROCESSOR_TTL_MS). */
export function processorKey(prefix: string, id: string): string {
  return `${processorIndexKey(prefix)}:${id}`;
}

/** Redis key of the set of announced processor ids: `<QUEUE_PREFIX>:processors` (pruned of expired ones when read). */
export function processorIndexKey(prefix: string): string {
  return `${prefix}:processors`;
}

/**
 * Reads every announcement whose key is still there, and removes the ids whose key expired from
 * the set, in one atomic step (so a processor re-announcing meanwhile is never dropped).
 * KEYS[1]: the set; ARGV[1]: the prefix of the announcement keys (`<set key>:`).
 */
const READ_LIVE = `
local ids = redis.call('SMEMBERS', KEYS[1])
local live = {}
for _, id in ipairs(ids) do
  local value = redis.call('GET', ARGV[1] .. id)
  if value then table.insert(live, value) else redis.call('SREM', KEYS[1], id) end
end
return live`;

/**
 * The models a set of processors serves, one entry per model name, sorted by name.
 * @param processors live announcements (`ProcessorRegistry.processors()`)
 */
export function liveModels(processors: readonly ProcessorAnnouncement[]): LiveModel[] {
  const byName = new Map<string, LiveModel>();
  for (const processor of processors) {
    for (const model of processor.models) {
      const entry = byName.get(model.name) ?? {
        name: model.name,
        processors: 0,
        loaded: false,
        word_timestamps: false,
        devices: [],
      };
      entry.processors++;
      if (!entry.devices.includes(processor.device)) entry.devices = [...entry.devices, processor.device].sort();
      entry.loaded ||= model.loaded;
      entry.word_timestamps ||= model.word_timestamps;
      entry.family ??= model.family;
      entry.languages ??= model.languages;
      entry.features ??= model.features;
      entry.decode_options ??= model.decode_options;
      if (model.diarization && entry.diarization?.available !== false) entry.diarization = model.diarization;
      byName.set(model.name, entry);
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The models installed in the live processors' MODELS_DIR, one entry per name (word times as any
 * of them says), sorted by name.
 */
export function installedModels(processors: readonly ProcessorAnnouncement[]): InstalledModel[] {
  const byName = new Map<string, InstalledModel>();
  for (const model of processors.flatMap((processor) => processor.installed ?? [])) {
    const entry = byName.get(model.name);
    byName.set(
      model.name,
      entry ? { ...entry, word_timestamps: entry.word_timestamps || model.word_timestamps } : model,
    );
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The registry of live processors and the models they serve, in Redis: part of the transport
 * contract between processors (writers) and api nodes (readers), next to the queues.
 *
 * Layout: each processor writes its `ProcessorAnnouncement` as JSON under
 * `processorKey(prefix, id)` with a TTL of PROCESSOR_TTL_MS, again every PROCESSOR_HEARTBEAT_MS
 * and whenever it changes (a model loaded or unloaded), and adds its id to the set
 * `processorIndexKey(prefix)`; on a clean shutdown it deletes both. Readers take the set's ids
 * whose key still exists, so a processor that died drops out within PROCESSOR_TTL_MS.
 */
@Injectable()
export class ProcessorRegistry implements OnModuleDestroy {
  private readonly logger = new Logger(ProcessorRegistry.name);
  private client?: Redis;
  private heartbeat?: NodeJS.Timeout;
  private announcement?: () => ProcessorAnnouncement;
  private announcedId?: string;
  /** The write in flight, so that `withdraw()` deletes after it (never before a late heartbeat). */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: HarkConfig) {}

  /**
   * Announces this processor now and every PROCESSOR_HEARTBEAT_MS until `withdraw()`.
   * @param current what to announce, read at every write
   * @throws the Redis error of the first write (later heartbeats only log theirs)
   */
  async announce(current: () => ProcessorAnnouncement): Promise<void> {
    this.announcement = current;
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => void this.refresh(), PROCESSOR_HEARTBEAT_MS);
    await this.write();
  }

  /** Writes the announcement at once (after a change); a failure is logged, and the next heartbeat tries again. */
  async refresh(): Promise<void> {
    if (!this.announcement) return;
    await this.write().catch((error: unknown) =>
      this.logger.warn(`Could not announce this processor: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** Stops the heartbeats and removes this processor's announcement (clean shutdown); best effort. */
  async withdraw(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.announcement = undefined;
    await this.writing.catch(() => undefined);
    const id = this.announcedId;
    if (!id) return;
    this.announcedId = undefined;
    const prefix = this.config.queuePrefix;
    await this.redis()
      .multi()
      .del(processorKey(prefix, id))
      .srem(processorIndexKey(prefix), id)
      .exec()
      .catch(() => undefined);
  }

  /** Every live processor's announcement, in no particular order. @throws the Redis error */
  async processors(): Promise<ProcessorAnnouncement[]> {
    const index = processorIndexKey(this.config.queuePrefix);
    const values = (await this.redis().eval(READ_LIVE, 1, index, `${index}:`)) as string[];
    return values.flatMap((value) => {
      try {
        return [JSON.parse(value) as ProcessorAnnouncement];
      } catch {
        return [];
      }
    });
  }

  /** The models the live processors serve (`liveModels`). @throws the Redis error */
  async liveModels(): Promise<LiveModel[]> {
    return liveModels(await this.processors());
  }

  async onModuleDestroy(): Promise<void> {
    await this.withdraw();
    this.client?.disconnect();
  }

  private async write(): Promise<void> {
    const announcement = this.announcement?.();
    if (!announcement) return;
    const prefix = this.config.queuePrefix;
    const index = processorIndexKey(prefix);
    this.announcedId = announcement.id;
    this.writing = this.redis()
      .multi()
      .set(processorKey(prefix, announcement.id), JSON.stringify(announcement), 'PX', PROCESSOR_TTL_MS)
      .sadd(index, announcement.id)
      .exec();
    await this.writing;
  }

  private redis(): Redis {
    if (!this.client) {
      // One retry per command: a heartbeat or a read must not wait long for a Redis that is away.
      this.client = new Redis(this.config.redisUrl, { maxRetriesPerRequest: 1 });
      watchRedisConnection(this.client, 'processor registry');
    }
    return this.client;
  }
}
