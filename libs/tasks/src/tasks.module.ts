import { HarkConfig } from '@app/config';
import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppRole } from './app-role';
import { DependencyMonitor } from './dependency-monitor';
import { queueConnection } from './queue.contract';
import { DependencyHealthIndicator } from './dependency-health.indicator';
import { ProcessorRegistry } from './processor-registry';
import { WatchedQueue, WatchedWorker } from './redis-connection-log';
import { TaskCancellation } from './task-cancellation';
import { TaskEvents } from './task-events';
import { TaskEntity } from './task.entity';
import { TaskFinishedBus } from './task-finished';
import { TaskLifecycle } from './task-lifecycle';
import { TaskQueue } from './task-queue';
import { TaskRepository } from './task.repository';
import { TranscriptionJobWaiter } from './transcription-job-waiter';

/**
 * Tasks in Postgres (repository, lifecycle and its `TaskFinished` bus), their queues in Redis
 * (BullMQ connection, producers, the api's job waiter), the registry of live processors and their
 * models, and cancellation signals. Global: every module of the app sees its exports. Needs
 * `HarkConfigModule` and `DatabaseModule` in the app; the app imports `CallbacksModule` after it.
 */
@Module({})
export class TasksModule {
  static forRoot(config: HarkConfig, role: AppRole): DynamicModule {
    // Every queue and worker the BullMQ module creates logs its Redis errors (before the callbacks' registerQueue).
    BullModule.queueClass = WatchedQueue;
    BullModule.workerClass = WatchedWorker;
    const providers = [
      TaskRepository,
      TaskLifecycle,
      TaskFinishedBus,
      TaskQueue,
      TaskCancellation,
      TaskEvents,
      ProcessorRegistry,
      DependencyHealthIndicator,
      DependencyMonitor,
      ...(role === 'api' ? [TranscriptionJobWaiter] : []),
    ];
    return {
      global: true,
      module: TasksModule,
      imports: [BullModule.forRoot(queueConnection(config)), TypeOrmModule.forFeature([TaskEntity]), TerminusModule],
      providers,
      exports: [...providers, BullModule],
    };
  }
}
