import { HarkConfig } from '@app/config';
import { HttpClient } from '@app/http';
import type { DeliverCallbackJobData } from '../queue.contract';
import { TaskRepository } from '../task.repository';
import {
  CALLBACK_DELIVERY_ID_HEADER,
  CALLBACK_SIGNATURE_HEADER,
  CALLBACK_TIMESTAMP_HEADER,
  signCallback,
} from './callback-payload';
import { Injectable } from '@nestjs/common';

/** What one delivery attempt came to. */
export type DeliveryOutcome = 'delivered' | 'retry' | 'gone';

/**
 * Sends one signed callback request and records the attempt on the task: appended when it starts,
 * before the request goes out, and completed with its result, so an attempt cut short by a crash
 * stays on record. A 2xx answer delivers it, 410 Gone stops all further attempts, anything else
 * (other statuses, network errors, timeouts) is retried by the queue. Every attempt of one delivery
 * carries the same `X-Hark-Delivery-Id`.
 */
@Injectable()
export class CallbackDeliveryService {
  constructor(
    private readonly taskRepository: TaskRepository,
    private readonly config: HarkConfig,
    private readonly http: HttpClient,
  ) {}

  /**
   * One attempt. The callback goes out even when the task was deleted meanwhile (nothing is recorded
   * then).
   * @param lastAttempt whether a failure now is final (the task's callback_status becomes `failed`)
   * @throws when the start of the attempt cannot be recorded (nothing was sent; the queue retries)
   */
  async deliver(
    data: DeliverCallbackJobData,
    lastAttempt: boolean,
  ): Promise<{ outcome: DeliveryOutcome; detail: string }> {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      [CALLBACK_TIMESTAMP_HEADER]: String(timestamp),
      [CALLBACK_SIGNATURE_HEADER]: signCallback(this.config.callbackSecret, timestamp, data.body),
      ...(data.deliveryId ? { [CALLBACK_DELIVERY_ID_HEADER]: data.deliveryId } : {}),
      'user-agent': 'Hark-Callback/1',
    };
    const at = new Date().toISOString();
    const index = await this.taskRepository.startCallbackAttempt(data.taskId, data.deliveryId, {
      at,
      delivery_id: data.deliveryId ?? null,
      status_code: null,
      error: null,
      duration_ms: null,
    });
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      statusCode = await this.http.postJson(data.url, data.body, headers, {
        allowedHosts: this.config.allowedUrlHosts,
        timeoutMs: this.config.callbackTimeoutMs,
      });
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const outcome: DeliveryOutcome =
      statusCode !== null && statusCode >= 200 && statusCode < 300
        ? 'delivered'
        : statusCode === 410
          ? 'gone'
          : 'retry';
    const status = outcome === 'delivered' ? 'delivered' : outcome === 'gone' || lastAttempt ? 'failed' : 'pending';
    const result = { status_code: statusCode, error, duration_ms: Math.round(performance.now() - started) };
    if (index !== null)
      await this.taskRepository.finishCallbackAttempt(data.taskId, data.deliveryId, { index, at }, result, status);
    return { outcome, detail: error ?? `HTTP ${statusCode}` };
  }
}
