import { HarkConfig } from '@app/config';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallbackQueue } from './callback-queue.service';
import { CALLBACK_QUEUE, TRANSCRIPTION_QUEUE } from './queue.contract';
import { RedisHealthIndicator } from './redis.health';
import { TaskCancellation } from './task-cancellation.service';
import { TaskEntity } from './task.entity';
import { TaskRepository } from './task.repository';
import { TaskQueue } from './task-queue.service';

/**
 * Tasks in Postgres, their transcription and callback queues in Redis, and cancellation signals. Needs `HarkConfigModule` and
 * `DatabaseModule` in the importing app.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [HarkConfig],
      useFactory: (config: HarkConfig) => ({ connection: { url: config.redisUrl }, prefix: config.queuePrefix }),
    }),
    BullModule.registerQueue({ name: TRANSCRIPTION_QUEUE }, { name: CALLBACK_QUEUE }),
    TypeOrmModule.forFeature([TaskEntity]),
    TerminusModule,
  ],
  providers: [TaskRepository, TaskQueue, CallbackQueue, TaskCancellation, RedisHealthIndicator],
  exports: [TaskRepository, TaskQueue, CallbackQueue, TaskCancellation, RedisHealthIndicator, BullModule],
})
export class TasksModule {}
