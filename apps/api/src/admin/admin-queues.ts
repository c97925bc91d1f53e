import { PROCESSOR_HEARTBEAT_MS, TaskQueue } from '@app/tasks';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { type BullBoardInstance, InjectBullBoard } from '@bull-board/nestjs';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ServedModels } from '../engine/served-models';

/**
 * Puts the transcription queues (one per model) on the Bull Board: the default model's at start,
 * and the queue of every model a live processor serves as it appears in the processor registry
 * (checked every heartbeat). A queue stays on the board once shown.
 */
@Injectable()
export class AdminQueues implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly shown = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectBullBoard() private readonly board: BullBoardInstance,
    private readonly queue: TaskQueue,
    private readonly served: ServedModels,
  ) {}

  onApplicationBootstrap(): void {
    this.show(this.served.defaultModel);
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), PROCESSOR_HEARTBEAT_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Shows the queue of every model served now (Redis away: nothing new until it is back). */
  private async refresh(): Promise<void> {
    for (const model of (await this.served.liveOrNull()) ?? []) this.show(model.name);
  }

  private show(model: string): void {
    if (this.shown.has(model)) return;
    this.shown.add(model);
    this.board.addQueue(new BullMQAdapter(this.queue.queue(model)));
  }
}
