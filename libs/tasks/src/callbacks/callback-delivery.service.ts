import { HarkConfig } from '@app/config';
import { HttpClient } from '@app/http';
import type { DeliverCallbackJobData } from '../queue.contract';
import { TaskRepository } from '../task.repository';
import { CALLBACK_SIGNATURE_HEADER, CALLBACK_TIMESTAMP_HEADER, signCallback } from './callback-payload';
import { Injectable } from '@nestjs/common';

/** What one delivery attempt came to. */
export type DeliveryOutcome = 'delivered' | 'retry' | 'gone';

/**
 * Sends one signed callback request and records the attempt on the task. A 2xx answer delivers
 * it, 410 Gone stops all further attempts, anything else (other statuses, network errors,
 * timeouts) is retried by the queue.
 */
@Injectable()
export class CallbackDeliveryService {
  constructor(
    private readonly taskRepository: TaskRepository,
    private readonly config: HarkConfig,
    private readonly http: HttpClient,
  ) {}

  /** @param lastAttempt whether a failure now is final (the task's callback_status becomes `failed`) */
  async deliver(
    data: DeliverCallbackJobData,
    lastAttempt: boolean,
  ): Promise<{ outcome: DeliveryOutcome; detail: string }> {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      [CALLBACK_TIMESTAMP_HEADER]: String(timestamp),
      [CALLBACK_SIGNATURE_HEADER]: signCallback(this.config.callbackSecret, timestamp, data.body),
      'user-agent': 'Hark-Callback/1',
    };
    const at = new Date();
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
    const attempt = {
      at: at.toISOString(),
      status_code: statusCode,
      error,
      duration_ms: Math.round(performance.now() - started),
    };
    await this.taskRepository.recordCallbackAttempt(data.taskId, attempt, status);
    return { outcome, detail: error ?? `HTTP ${statusCode}` };
  }
}
