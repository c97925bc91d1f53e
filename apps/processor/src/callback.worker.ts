import { CALLBACK_QUEUE, type DeliverCallbackJobData } from '@app/tasks';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type Job, UnrecoverableError } from 'bullmq';
import { CallbackDeliveryService } from './callback-delivery.service';

/** Consumer of the callback queue: one delivery attempt per run; BullMQ backs off between them. */
@Processor(CALLBACK_QUEUE)
export class CallbackWorker extends WorkerHost {
  constructor(private readonly delivery: CallbackDeliveryService) {
    super();
  }

  async process(job: Job<DeliverCallbackJobData>): Promise<void> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const { outcome, detail } = await this.delivery.deliver(job.data, lastAttempt);
    if (outcome === 'gone') throw new UnrecoverableError(`Receiver answered 410 Gone; not retrying`);
    if (outcome === 'retry') throw new Error(`Callback not accepted: ${detail}`);
  }
}
