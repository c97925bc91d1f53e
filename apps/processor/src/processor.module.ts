import { HarkConfig, HarkConfigModule } from '@app/config';
import { CrawlersModule } from '@app/crawlers';
import { DatabaseModule } from '@app/database';
import { HttpClientModule } from '@app/http';
import { MediaModule } from '@app/media';
import { consumerOf, QUEUES, TasksModule } from '@app/tasks';
import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ActiveTasks } from './active-tasks';
import { asrEngineProvider } from './asr-engine.provider';
import { HealthController } from './health.controller';
import { QueueReconciler } from './queue-reconciler';
import { SpeakerDiarizationService } from './speaker-diarization.service';
import { TranscribeJobService } from './transcribe-job.service';
import { TranscriptionService } from './transcription.service';
import { TranscriptionWorker } from './transcription.worker';

/** A processor: the engine, the transcription worker (and, through `TasksModule`, the callback worker), the reconciler and its probes. */
@Module({})
export class ProcessorModule {
  static forRoot(config: HarkConfig): DynamicModule {
    return {
      module: ProcessorModule,
      imports: [
        HarkConfigModule.forRoot(config),
        DatabaseModule,
        TasksModule.forRoot(config, 'processor'),
        CrawlersModule,
        MediaModule,
        HttpClientModule,
        TerminusModule,
      ],
      controllers: [HealthController],
      providers: [
        asrEngineProvider,
        ActiveTasks,
        TranscriptionService,
        SpeakerDiarizationService,
        TranscribeJobService,
        consumerOf(TranscriptionWorker, QUEUES.transcription, config),
        QueueReconciler,
      ],
    };
  }
}
