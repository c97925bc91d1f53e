import { CrawlersModule } from '@app/crawlers';
import { TasksModule as TasksLibModule } from '@app/tasks';
import { Module } from '@nestjs/common';
import { UploadsModule } from '../uploads/uploads.module';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

/** The task REST endpoints. */
@Module({
  imports: [TasksLibModule, UploadsModule, CrawlersModule],
  controllers: [TasksController],
  providers: [TasksService],
  exports: [TasksService],
})
export class TasksApiModule {}
