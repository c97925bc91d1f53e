import { HarkConfig, HarkConfigModule } from '@app/config';
import { CrawlersModule } from '@app/crawlers';
import { DatabaseModule } from '@app/database';
import { TasksModule } from '@app/tasks';
import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ActiveTasks } from './active-tasks';
import { asrEngineProvider } from './asr-engine.provider';
import { CallbackDeliveryService } from './callback-delivery.service';
import { CallbackWorker } from './callback.worker';
import { HealthController } from './health.controller';
import { QueueReconciler } from './queue-reconciler.service';
import { TranscriptionService } from './transcription.service';
import { TranscriptionWorker } from './transcription.worker';

@Module({})
export class ProcessorModule {
  static forRoot(config: HarkConfig): DynamicModule {
    return {
      module: ProcessorModule,
      imports: [HarkConfigModule.forRoot(config), DatabaseModule, TasksModule, CrawlersModule, TerminusModule],
      controllers: [HealthController],
      providers: [asrEngineProvider, ActiveTasks, TranscriptionService, TranscriptionWorker, CallbackDeliveryService, CallbackWorker, QueueReconciler],
    };
  }
}
