import { CrawlersModule } from '@app/crawlers';
import { HttpClientModule } from '@app/http';
import { MediaModule } from '@app/media';
import { Module } from '@nestjs/common';
import { StreamSlots } from '../common/stream-slots';
import { EngineModule } from '../engine/engine.module';
import { UploadsModule } from '../uploads/uploads.module';
import { TasksController } from './tasks.controller';
import { TaskEventsStream } from './task-events.stream';
import { TasksService } from './tasks.service';

/** The task REST endpoints and `TasksService`, which the other task-creating interfaces (OpenAI, classic ASR, links) use. */
@Module({
  imports: [UploadsModule, CrawlersModule, MediaModule, HttpClientModule, EngineModule],
  controllers: [TasksController],
  providers: [TasksService, TaskEventsStream, StreamSlots],
  exports: [TasksService, EngineModule, StreamSlots],
})
export class TasksApiModule {}
