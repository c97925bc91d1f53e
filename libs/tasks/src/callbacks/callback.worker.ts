import { WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { QueueJob } from '../queue.contract';
import { CallbackDeliveryService } from './callback-delivery.service';

/**
 * Consumer of the callback queue: one delivery attempt per run; BullMQ backs off between them.
 * Registered with its worker options by `CallbacksModule` (processors only).
 */
@Injectable()
export class CallbackWorker extends WorkerHost {
  constructor(private readonly delivery: CallbackDeliveryService) {
    super();
  }

  async process(job: QueueJob<'callbacks'>): Promise<void> {
    switch (job.name) {
      case 'deliver': {
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const { outcome, detail } = await this.delivery.deliver(job.data, lastAttempt);
        if (outcome === 'gone') throw new UnrecoverableError(`Receiver answered 410 Gone; not retrying`);
        if (outcome === 'retry') throw new Error(`Callback not accepted: ${detail}`);
      }
    }
  }
}
