import { HarkConfig, HarkConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { TasksModule } from '@app/tasks';
import { type DynamicModule, Module } from '@nestjs/common';
import { ActiveTasks } from './active-tasks';
import { asrEngineProvider } from './asr-engine.provider';
import { CallbackDeliveryService } from './callback-delivery.service';
import { CallbackWorker } from './callback.worker';
import { QueueReconciler } from './queue-reconciler.service';
import { TranscriptionService } from './transcription.service';
import { TranscriptionWorker } from './transcription.worker';

@Module({})
export class ProcessorModule {
  static forRoot(config: HarkConfig): DynamicModule {
    return {
      module: ProcessorModule,
      imports: [HarkConfigModule.forRoot(config), DatabaseModule, TasksModule],
      providers: [asrEngineProvider, ActiveTasks, TranscriptionService, TranscriptionWorker, CallbackDeliveryService, CallbackWorker, QueueReconciler],
    };
  }
}
