import { TasksModule } from '@app/tasks';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule, TasksModule],
  controllers: [HealthController],
})
export class HealthModule {}
