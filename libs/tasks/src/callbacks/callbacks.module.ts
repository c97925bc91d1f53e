import type { HarkConfig } from '@app/config';
import { HttpClientModule } from '@app/http';
import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { QUEUES } from '../queue.contract';
import type { AppRole } from '../tasks.module';
import { consumerOf } from '../worker-registration';
import { CallbackDeliveryService } from './callback-delivery.service';
import { CallbackQueue } from './callback-queue';
import { CallbackWorker } from './callback.worker';

/**
 * Callbacks, end to end: the payload and its signature (`callback-payload.ts`), the producer
 * (`CallbackQueue`), and on processors the delivery (`CallbackDeliveryService`) and its worker.
 */
@Module({})
export class CallbacksModule {
  static forRoot(config: HarkConfig, role: AppRole): DynamicModule {
    const delivery =
      role === 'processor' ? [CallbackDeliveryService, consumerOf(CallbackWorker, QUEUES.callbacks, config)] : [];
    return {
      module: CallbacksModule,
      imports: [
        BullModule.registerQueue({ name: QUEUES.callbacks }),
        ...(role === 'processor' ? [HttpClientModule] : []),
      ],
      // TaskRepository comes from the global TasksModule, which imports this module.
      providers: [CallbackQueue, ...delivery],
      exports: [CallbackQueue, BullModule],
    };
  }
}
