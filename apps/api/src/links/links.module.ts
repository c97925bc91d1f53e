import { CrawlersModule } from '@app/crawlers';
import { Module } from '@nestjs/common';
import { TasksApiModule } from '../tasks/tasks.module';
import { LinksController } from './links.controller';

/** The share-link endpoints (platform task routes, link preview). */
@Module({
  imports: [TasksApiModule, CrawlersModule],
  controllers: [LinksController],
})
export class LinksModule {}
