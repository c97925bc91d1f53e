import { HarkConfig } from '@app/config';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TRANSCRIPTION_QUEUE } from './queue.contract';
import { TaskEntity } from './task.entity';
import { TaskRepository } from './task.repository';
import { TaskQueue } from './task-queue.service';

/**
 * Tasks in Postgres and their transcription queue in Redis. Needs `HarkConfigModule` and
 * `DatabaseModule` in the importing app.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [HarkConfig],
      useFactory: (config: HarkConfig) => ({ connection: { url: config.redisUrl }, prefix: config.queuePrefix }),
    }),
    BullModule.registerQueue({ name: TRANSCRIPTION_QUEUE }),
    TypeOrmModule.forFeature([TaskEntity]),
  ],
  providers: [TaskRepository, TaskQueue],
  exports: [TaskRepository, TaskQueue, BullModule],
})
export class TasksModule {}
