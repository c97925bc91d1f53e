import { HarkConfig } from '@app/config';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { callbackBody } from './callback-payload';
import { CALLBACK_QUEUE, CallbackJob, type DeliverCallbackJobData } from './queue.contract';
import type { TaskEntity } from './task.entity';
import { TaskRepository } from './task.repository';

/** Producer of the callback queue: schedules the delivery of a finished task's outcome. */
@Injectable()
export class CallbackQueue {
  constructor(
    @InjectQueue(CALLBACK_QUEUE) private readonly queue: Queue<DeliverCallbackJobData>,
    private readonly tasks: TaskRepository,
    private readonly config: HarkConfig,
  ) {}

  /**
   * Schedules the callback of a task that just finished (completed, failed or cancelled), if it has
   * a callback URL. The body is fixed now, so the callback still goes out if the task is deleted.
   */
  async enqueue(task: TaskEntity): Promise<void> {
    if (!task.callbackUrl) return;
    await this.tasks.setCallbackStatus(task.id, 'pending');
    await this.queue.add(
      CallbackJob.Deliver,
      { taskId: task.id, url: task.callbackUrl, body: callbackBody(task, this.config.publicUrl) },
      { attempts: this.config.callbackAttempts, backoff: { type: 'exponential', delay: this.config.callbackBackoffMs }, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } },
    );
  }

  /** Like `enqueue`, for a task id (reads the task as it is now); does nothing if it is gone. */
  async enqueueById(taskId: string): Promise<void> {
    const task = await this.tasks.findById(taskId);
    if (task) await this.enqueue(task);
  }
}
