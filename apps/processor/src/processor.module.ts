import { HarkConfig, HarkConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { TasksModule } from '@app/tasks';
import { type DynamicModule, Module } from '@nestjs/common';
import { asrEngineProvider } from './asr-engine.provider';
import { QueueReconciler } from './queue-reconciler.service';
import { TranscriptionService } from './transcription.service';
import { TranscriptionWorker } from './transcription.worker';

@Module({})
export class ProcessorModule {
  static forRoot(config: HarkConfig): DynamicModule {
    return {
      module: ProcessorModule,
      imports: [HarkConfigModule.forRoot(config), DatabaseModule, TasksModule],
      providers: [asrEngineProvider, TranscriptionService, TranscriptionWorker, QueueReconciler],
    };
  }
}
