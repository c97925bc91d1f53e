import { CancelTask } from './commands/cancel-task.usecase';
import { DeleteTask } from './commands/delete-task.usecase';
import { RedeliverCallback } from './commands/redeliver-callback.usecase';
import { RetryTask } from './commands/retry-task.usecase';
import { CreateTask } from './create/create-task.usecase';
import { TaskSources } from './create/task-sources';
import { GetTaskMedia } from './media/get-task-media.usecase';
import { GetTask } from './read/get-task.usecase';
import { ListTasks } from './read/list-tasks.usecase';
import { RenameSpeakers } from './speakers/rename-speakers.usecase';
import { TaskWork } from './task-work';

export {
  CancelTask,
  CreateTask,
  DeleteTask,
  GetTask,
  GetTaskMedia,
  ListTasks,
  RedeliverCallback,
  RenameSpeakers,
  RetryTask,
};
export { type CreatedTask } from './create/create-task.usecase';
export { CreateTaskCommand, type Idempotency, type TaskMedia } from './create/create-task.command';
export { ListTasksCommand } from './read/list-tasks.usecase';
export { RenameSpeakersCommand } from './speakers/rename-speakers.command';
export { TASK_ID_PATTERN, TaskCommand } from './task.command';

/** The use cases the other task-creating interfaces (OpenAI, classic ASR, links) call too. */
export const SHARED_TASK_USE_CASES = [CreateTask, GetTask];

/** Every use case of the task API, and the helpers they share, as providers of `TasksApiModule`. */
export const TASK_USE_CASES = [
  ...SHARED_TASK_USE_CASES,
  ListTasks,
  CancelTask,
  DeleteTask,
  RetryTask,
  RedeliverCallback,
  RenameSpeakers,
  GetTaskMedia,
  TaskSources,
  TaskWork,
];
