import { HarkConfig } from '@app/config';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { JOB_OPTIONS, QUEUES, type QueueData } from '../queue.contract';
import type { TaskEntity } from '../task.entity';
import { TaskRepository } from '../task.repository';
import { callbackBody } from './callback-payload';

/** Producer of the callback queue: schedules the delivery of a finished task's outcome. */
@Injectable()
export class CallbackQueue {
  constructor(
    @InjectQueue(QUEUES.callbacks) private readonly queue: Queue<QueueData<'callbacks'>>,
    private readonly taskRepository: TaskRepository,
    private readonly config: HarkConfig,
  ) {}

  /**
   * Adds the delivery of a finished task's callback (its `callback_status` is already `pending`:
   * `TaskLifecycle` sets it with the final status). The body is fixed now, so the callback still
   * goes out if the task is deleted. Does nothing for a task without a callback URL.
   */
  async enqueue(task: TaskEntity): Promise<void> {
    if (!task.callbackUrl) return;
    await this.queue.add(
      'deliver',
      { taskId: task.id, url: task.callbackUrl, body: callbackBody(task, this.config.publicUrl) },
      JOB_OPTIONS.deliver(this.config),
    );
  }

  /** Sends a finished task's callback again (`callback_status` back to `pending`). */
  async redeliver(task: TaskEntity): Promise<void> {
    await this.taskRepository.setCallbackStatus(task.id, 'pending');
    await this.enqueue(task);
  }
}
