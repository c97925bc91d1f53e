import type { Redis } from 'ioredis';

/** A Redis stream entry as XREAD answers it: `[id, [field, value, …]]`. */
export type StreamEntry = [string, string[]];

/** Whether `id` is a stream entry id a client may resume from: `<ms>`, `<ms>-<seq>`, or '0'. */
export function isEntryId(id: string): boolean {
  return /^\d{1,20}(-\d{1,20})?$/.test(id);
}

/** Orders two stream entry ids (`<ms>-<seq>`; a bare `<ms>` is `<ms>-0`): negative, 0 or positive. */
export function compareEntryIds(a: string, b: string): number {
  const [aMs, aSeq = '0'] = a.split('-');
  const [bMs, bSeq = '0'] = b.split('-');
  const ms = BigInt(aMs) - BigInt(bMs);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(aSeq) - BigInt(bSeq);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

/** What a watcher is told: the entries of its stream after its cursor, in order, or the error that ended it. */
export interface StreamWatcher {
  deliver(entries: StreamEntry[]): void;
  fail(error: Error): void;
}

interface Watch {
  watcher: StreamWatcher;
  key: string;
  /** The id of the last entry delivered (or the one the watcher resumes after). */
  last: string;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * One blocking XREAD loop over every Redis stream watched in this process, fanning the entries
 * out to the watchers: however many clients follow streams, the process holds one reading
 * connection. Each pass reads every watched key from the earliest cursor of its watchers (entries
 * a watcher already has are skipped for it, so watchers may resume from different ids); a new
 * watcher interrupts the read in progress (`CLIENT UNBLOCK` from `control`) so it is read at once.
 * When the read fails (Redis away), every current watcher is failed and dropped; new watchers start
 * the loop again.
 */
export class StreamFanout {
  private readonly watches = new Set<Watch>();
  private running = false;
  /** The cursors of the XREAD in flight (key → id), or null between reads. */
  private reading: Map<string, string> | null = null;
  /** Redis's id of the reading connection (for CLIENT UNBLOCK); unknown until asked, and after a reconnect. */
  private clientId?: number;

  /**
   * @param reader the connection that blocks in XREAD (used for nothing else)
   * @param control any other connection, to send CLIENT UNBLOCK
   * @param blockMs how long one XREAD blocks, in ms: bounds how late a dropped key leaves the read
   */
  constructor(
    private readonly reader: Redis,
    private readonly control: () => Redis,
    private readonly blockMs = 5_000,
  ) {
    reader.on('close', () => (this.clientId = undefined));
  }

  /** Number of watchers now. */
  get size(): number {
    return this.watches.size;
  }

  /**
   * Follows the stream `key` after the entry id `after` ('0': from the start).
   * @returns a function that stops watching (call it once done; after a failure it does nothing)
   * @throws Error when `after` is not an entry id (see `isEntryId`)
   */
  watch(key: string, after: string, watcher: StreamWatcher): () => void {
    if (!isEntryId(after)) throw new Error(`Not a stream entry id: ${after}`);
    const watch: Watch = { watcher, key, last: after };
    this.watches.add(watch);
    if (!this.running) void this.loop();
    else void this.interruptFor(watch);
    return () => void this.watches.delete(watch);
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.watches.size) {
        const cursors = new Map<string, string>();
        for (const { key, last } of this.watches) {
          const cursor = cursors.get(key);
          if (cursor === undefined || compareEntryIds(last, cursor) < 0) cursors.set(key, last);
        }
        let answer: [string, StreamEntry[]][] | null;
        this.reading = cursors;
        try {
          this.clientId ??= await this.reader.client('ID');
          answer = await this.reader.xread(
            'COUNT',
            100,
            'BLOCK',
            this.blockMs,
            'STREAMS',
            ...cursors.keys(),
            ...cursors.values(),
          );
        } catch (error) {
          this.reading = null;
          const failed = [...this.watches];
          this.watches.clear();
          for (const watch of failed) watch.watcher.fail(error as Error);
          continue;
        }
        this.reading = null;
        for (const [key, entries] of answer ?? []) this.deliver(key, entries);
      }
    } finally {
      this.running = false;
      this.reading = null;
    }
  }

  /** Gives each watcher of `key` the entries after its cursor. */
  private deliver(key: string, entries: StreamEntry[]): void {
    for (const watch of this.watches) {
      if (watch.key !== key) continue;
      const fresh = entries.filter(([id]) => compareEntryIds(id, watch.last) > 0);
      if (!fresh.length) continue;
      watch.last = fresh[fresh.length - 1][0];
      watch.watcher.deliver(fresh);
    }
  }

  /**
   * Ends the XREAD in flight when it does not cover `watch` (another key, or a later cursor), so
   * the next pass includes it. Retries briefly: the read may not be blocking in Redis yet.
   */
  private async interruptFor(watch: Watch): Promise<void> {
    for (let tries = 0; tries < 50; tries++) {
      // No read in flight: the loop has ended, and the watch's own start begins a new one.
      const reading = this.reading;
      if (!reading || !this.watches.has(watch)) return;
      const cursor = reading.get(watch.key);
      if (cursor !== undefined && compareEntryIds(cursor, watch.last) <= 0) return;
      if (this.clientId !== undefined) {
        const unblocked = await this.control()
          .client('UNBLOCK', this.clientId)
          .catch(() => 0);
        if (unblocked === 1) return;
      }
      await sleep(10);
    }
  }
}
