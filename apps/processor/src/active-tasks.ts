import { TaskCancellation } from '@app/tasks';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

/** The reason a transcription is aborted with when its task is cancelled or deleted. */
export class TaskCancelledError extends Error {
  constructor(taskId: string) {
    super(`Task ${taskId} was cancelled`);
    this.name = 'TaskCancelledError';
  }
}

/** The reason running transcriptions are aborted with when the processor shuts down. */
export class ShuttingDownError extends Error {
  constructor() {
    super('The processor is shutting down');
    this.name = 'ShuttingDownError';
  }
}

/**
 * The tasks this processor is working on, each with an AbortSignal that fires when the task is
 * cancelled or deleted anywhere (signalled over Redis by the api).
 */
@Injectable()
export class ActiveTasks implements OnApplicationBootstrap {
  private readonly logger = new Logger(ActiveTasks.name);
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly cancellation: TaskCancellation) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.cancellation.subscribe((taskId) => {
      const controller = this.running.get(taskId);
      if (!controller) return;
      this.logger.log(`Task ${taskId} cancelled; stopping`);
      controller.abort(new TaskCancelledError(taskId));
    });
  }

  /** Aborts every running transcription (shutdown after the grace period). */
  abortAll(reason: Error): void {
    for (const controller of this.running.values()) controller.abort(reason);
  }

  /** Runs `work` with a signal that aborts when the task is cancelled. */
  async track<T>(taskId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.running.set(taskId, controller);
    try {
      return await work(controller.signal);
    } finally {
      this.running.delete(taskId);
    }
  }
}
