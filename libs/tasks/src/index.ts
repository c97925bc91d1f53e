export {
  CALLBACK_DELIVERY_ID_HEADER,
  CALLBACK_SIGNATURE_HEADER,
  CALLBACK_TIMESTAMP_HEADER,
  signCallback,
} from './callbacks/callback-payload';
export { CallbackQueue } from './callbacks/callback-queue';
export { CallbackScheduler } from './callbacks/callback-scheduler';
export { CallbacksModule } from './callbacks/callbacks.module';
export {
  callbackJobId,
  JOB_OPTIONS,
  JOB_PRIORITY,
  modelOf,
  queueConnection,
  QUEUES,
  transcriptionQueue,
  workerOptions,
} from './queue.contract';
export type {
  DeliverCallbackJobData,
  DetectLanguageJobData,
  DetectLanguageResult,
  JobName,
  NamedJob,
  QueueJob,
  QueueName,
  TranscribeJobData,
} from './queue.contract';
export { busy, DEPENDENCY_NAMES, DependencyMonitor, dependencyOf, unavailable } from './dependency-monitor';
export { DEPENDENCY_WAIT_MS, within } from './within';
export type { Dependency } from './dependency-monitor';
export { DependencyHealthIndicator } from './dependency-health.indicator';
export { TaskCancellation } from './task-cancellation';
export { TaskEntity } from './task.entity';
export { TaskLifecycle } from './task-lifecycle';
export type { TaskOutcome } from './task-lifecycle';
export { TaskFinishedBus } from './task-finished';
export type { TaskFinished, TaskFinishedSubscriber } from './task-finished';
export { TaskQueue } from './task-queue';
export {
  installedModels,
  liveModels,
  PROCESSOR_HEARTBEAT_MS,
  PROCESSOR_TTL_MS,
  processorIndexKey,
  processorKey,
  ProcessorRegistry,
} from './processor-registry';
export type {
  AnnouncedModel,
  DecodeOptionFacts,
  DiarizationFacts,
  InstalledModel,
  LiveModel,
  ModelFeatures,
  ProcessorAnnouncement,
} from './processor-registry';
export { TaskRepository } from './task.repository';
export type { NewTask, TaskFilter, TaskOwner } from './task.repository';
export { FINAL_STATUSES, isFinal, TRANSITIONS, UNFINISHED_STATUSES } from './task-transitions';
export type { FinalStatus, Transition } from './task-transitions';
export {
  CALLBACK_STATUSES,
  TASK_KINDS,
  TASK_PRIORITIES,
  TASK_SOURCES,
  TASK_STATUSES,
  toLinkMetadata,
} from './task.types';
export type {
  CallbackAttempt,
  CallbackStatus,
  LinkMetadata,
  TaskKind,
  TaskPriority,
  TaskResult,
  TaskSource,
  TaskStatus,
} from './task.types';
export { TasksModule } from './tasks.module';
export type { AppRole } from './app-role';
export { TranscriptionJobWaiter } from './transcription-job-waiter';
export { consumerOf, transcriptionWorker } from './worker-registration';
export { statusEvent, TaskEvents } from './task-events';
export { isEntryId } from './stream-fanout';
export type { StoredTaskEvent, TaskEvent } from './task-events';
