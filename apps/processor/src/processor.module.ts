import { HarkConfig, HarkConfigModule } from '@app/config';
import { CrawlersModule } from '@app/crawlers';
import { DatabaseModule } from '@app/database';
import { HttpClientModule } from '@app/http';
import { MediaModule } from '@app/media';
import { CallbacksModule, TasksModule } from '@app/tasks';
import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ActiveTasks } from './active-tasks';
import { AsrEngines } from './asr-engines';
import { HealthController } from './health.controller';
import { ModelAnnouncer } from './model-announcer';
import { PIPELINE_PROVIDERS } from './pipeline/task-pipeline';
import { QueueReconciler } from './queue-reconciler';
import { SpeakerDiarizationService } from './speaker-diarization.service';
import { TranscribeJobService } from './transcribe-job.service';
import { TranscriptionService } from './transcription.service';
import { TranscriptionWorkers } from './transcription-workers';

/**
 * A processor: the engines of its models (ASR_MODELS) and their announcement in the processor
 * registry, a transcription worker per model (and, through `CallbacksModule`, the callback worker), the
 * reconciler and its probes.
 */
@Module({})
export class ProcessorModule {
  static forRoot(config: HarkConfig): DynamicModule {
    return {
      module: ProcessorModule,
      imports: [
        HarkConfigModule.forRoot(config),
        DatabaseModule,
        TasksModule.forRoot(config, 'processor'),
        CallbacksModule.forRoot(config, 'processor'),
        CrawlersModule,
        MediaModule,
        HttpClientModule,
        TerminusModule,
      ],
      controllers: [HealthController],
      providers: [
        AsrEngines,
        ModelAnnouncer,
        ActiveTasks,
        TranscriptionService,
        ...PIPELINE_PROVIDERS,
        SpeakerDiarizationService,
        TranscribeJobService,
        TranscriptionWorkers,
        QueueReconciler,
      ],
    };
  }
}
