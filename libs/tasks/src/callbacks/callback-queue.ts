import { HarkConfig } from '@app/config';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { JobState, Queue } from 'bullmq';
import { callbackJobId, JOB_OPTIONS, QUEUES, type QueueData } from '../queue.contract';
import type { TaskEntity } from '../task.entity';
import { TaskRepository } from '../task.repository';
import { callbackBody } from './callback-payload';

/** What a callback delivery is made of: the finished task's outcome and where it goes. */
type DeliverableTask = Pick<
  TaskEntity,
  'id' | 'status' | 'error' | 'fileName' | 'result' | 'callbackUrl' | 'callbackIncludeResult' | 'callbackDeliveryId'
>;

/**
 * Producer of the callback queue: schedules the delivery of a finished task's outcome. One delivery
 * (one outcome: the task's `callback_delivery_id`) has at most one job, with the id
 * `callbackJobId(delivery id)`, so the lifecycle, a redelivery and every processor's reconciler may
 * schedule it at once and one job results.
 */
@Injectable()
export class CallbackQueue {
  constructor(
    @InjectQueue(QUEUES.callbacks) private readonly queue: Queue<QueueData<'callbacks'>>,
    private readonly taskRepository: TaskRepository,
    private readonly config: HarkConfig,
  ) {}

  /**
   * Adds the delivery of a finished task's callback (its `callback_status` is already `pending`:
   * `TaskLifecycle` sets it, with a new delivery id, with the final status). The body is fixed now,
   * so the callback still goes out if the task is deleted. Idempotent: a delivery that already has a
   * job (waiting, delayed, running or finished) is not added again. Does nothing for a task without
   * a callback URL.
   */
  async enqueue(task: DeliverableTask): Promise<void> {
    if (!task.callbackUrl) return;
    const deliveryId = task.callbackDeliveryId ?? (await this.taskRepository.ensureCallbackDeliveryId(task.id));
    if (!deliveryId) return;
    await this.queue.add(
      'deliver',
      { taskId: task.id, deliveryId, url: task.callbackUrl, body: callbackBody(task, this.config.publicUrl) },
      { ...JOB_OPTIONS.deliver(this.config), jobId: callbackJobId(deliveryId) },
    );
  }

  /**
   * Sends a finished task's callback again, with the same delivery id (receivers that processed it
   * drop it by `X-Hark-Delivery-Id`): the delivery's finished, waiting or delayed job is replaced by
   * a new one that is sent at once with every attempt again, and `callback_status` is `pending`.
   * @returns false, changing nothing, while a processor is sending it right now
   */
  async redeliver(task: DeliverableTask): Promise<boolean> {
    const deliveryId = task.callbackDeliveryId ?? (await this.taskRepository.ensureCallbackDeliveryId(task.id));
    if (!deliveryId) return true;
    if (!(await this.removeJob(deliveryId))) return false;
    await this.taskRepository.setCallbackStatus(task.id, 'pending');
    await this.enqueue({ ...task, callbackDeliveryId: deliveryId });
    return true;
  }

  /**
   * Schedules a pending delivery again whose job Redis lost, or whose job finished although the
   * task still says `pending` (a redelivery that stopped before adding its job). For the reconciler.
   * @returns false when the job is being sent right now (nothing to do)
   */
  async reschedule(task: DeliverableTask & { callbackDeliveryId: string }): Promise<boolean> {
    if (!(await this.removeJob(task.callbackDeliveryId))) return false;
    await this.enqueue(task);
    return true;
  }

  /** State of a delivery's job; `unknown` when Redis has none. */
  state(deliveryId: string): Promise<JobState | 'unknown'> {
    return this.queue.getJobState(callbackJobId(deliveryId));
  }

  /** Why a delivery's job failed, if Redis has it. */
  async failedReason(deliveryId: string): Promise<string | undefined> {
    return (await this.queue.getJob(callbackJobId(deliveryId)))?.failedReason;
  }

  /** Removes a delivery's job unless a processor holds it; true when it is gone (or never existed). */
  private async removeJob(deliveryId: string): Promise<boolean> {
    // 0 only for a locked (active) job; a job that does not exist counts as removed.
    return (await this.queue.remove(callbackJobId(deliveryId))) === 1;
  }
}
