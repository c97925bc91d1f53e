/**
 * A fixed set of reusable resources handed out one at a time, in request order. Used for
 * recognizers: each holds a loaded model and serves one transcription at a time.
 */
export class Pool<T> {
  private readonly idle: T[];
  private readonly waiting: ((item: T) => void)[] = [];

  constructor(items: T[]) {
    this.idle = [...items];
  }

  /** Runs `work` with an item, waiting for one to be free, and returns the item afterwards. */
  async use<R>(work: (item: T) => Promise<R>): Promise<R> {
    const item = this.idle.pop() ?? (await new Promise<T>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(item);
    } finally {
      const next = this.waiting.shift();
      if (next) next(item);
      else this.idle.push(item);
    }
  }
}
