import { CrawlersModule } from '@app/crawlers';
import { HttpClientModule } from '@app/http';
import { MediaModule } from '@app/media';
import { Module } from '@nestjs/common';
import { StreamSlots } from '../common/stream-slots';
import { EngineModule } from '../engine/engine.module';
import { UploadsModule } from '../uploads/uploads.module';
import { TasksController } from './tasks.controller';
import { TaskEventsStream } from './task-events.stream';
import { SHARED_TASK_USE_CASES, TASK_USE_CASES } from './usecases';

/** The task REST endpoints and their use cases; `CreateTask` and `GetTask` serve the other task-creating interfaces (OpenAI, classic ASR, links) too. */
@Module({
  imports: [UploadsModule, CrawlersModule, MediaModule, HttpClientModule, EngineModule],
  controllers: [TasksController],
  providers: [...TASK_USE_CASES, TaskEventsStream, StreamSlots],
  exports: [...SHARED_TASK_USE_CASES, EngineModule, StreamSlots],
})
export class TasksApiModule {}
