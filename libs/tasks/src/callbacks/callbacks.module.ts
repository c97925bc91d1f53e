import type { HarkConfig } from '@app/config';
import { HttpClientModule } from '@app/http';
import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { QUEUES } from '../queue.contract';
import type { AppRole } from '../app-role';
import { consumerOf } from '../worker-registration';
import { CallbackDeliveryService } from './callback-delivery.service';
import { CallbackQueue } from './callback-queue';
import { CallbackScheduler } from './callback-scheduler';
import { CallbackWorker } from './callback.worker';

/**
 * Callbacks, end to end: the payload and its signature (`callback-payload.ts`), the producer
 * (`CallbackQueue`), its trigger (`CallbackScheduler`, a subscriber of `TaskFinished`), and on
 * processors the delivery (`CallbackDeliveryService`) and its worker. Global, like `TasksModule`,
 * which it builds on (the app imports both, `TasksModule` first); `TasksModule` knows nothing of it.
 */
@Module({})
export class CallbacksModule {
  static forRoot(config: HarkConfig, role: AppRole): DynamicModule {
    const delivery =
      role === 'processor' ? [CallbackDeliveryService, consumerOf(CallbackWorker, QUEUES.callbacks, config)] : [];
    return {
      global: true,
      module: CallbacksModule,
      imports: [
        BullModule.registerQueue({ name: QUEUES.callbacks }),
        ...(role === 'processor' ? [HttpClientModule] : []),
      ],
      // TaskRepository and TaskFinishedBus come from the global TasksModule.
      providers: [CallbackQueue, CallbackScheduler, ...delivery],
      exports: [CallbackQueue, BullModule],
    };
  }
}
