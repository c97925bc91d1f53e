export { JOB_PRIORITY, TranscriptionJob, TRANSCRIPTION_QUEUE } from './queue.contract';
export type { TranscribeJobData } from './queue.contract';
export { TaskEntity } from './task.entity';
export { TaskRepository } from './task.repository';
export type { NewTask } from './task.repository';
export { TaskQueue } from './task-queue.service';
export { TASK_KINDS, TASK_PRIORITIES, TASK_SOURCES, TASK_STATUSES } from './task.types';
export type { TaskKind, TaskPriority, TaskResult, TaskSource, TaskStatus } from './task.types';
export { TasksModule } from './tasks.module';
