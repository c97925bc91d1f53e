import { createHmac } from 'node:crypto';
import type { TaskEntity } from '../task.entity';

/** Header carrying the Unix time (seconds) at which a callback was signed. */
export const CALLBACK_TIMESTAMP_HEADER = 'x-hark-timestamp';
/** Header carrying `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export const CALLBACK_SIGNATURE_HEADER = 'x-hark-signature';
/**
 * Header carrying the delivery id (the task's `callback_delivery_id`): the same on every retry and
 * redelivery of one outcome, so a receiver that already processed it can drop the duplicate.
 */
export const CALLBACK_DELIVERY_ID_HEADER = 'x-hark-delivery-id';

/**
 * The JSON body POSTed to a task's callback URL: `id`, `status`, `error`, `file_name` (the
 * client's, UTF-8 as given), `result_url`, and the `result` unless the task was created with
 * `callback_include_result=false`.
 */
export function callbackBody(
  task: Pick<TaskEntity, 'id' | 'status' | 'error' | 'fileName' | 'result' | 'callbackIncludeResult'>,
  publicUrl: string,
): string {
  return JSON.stringify({
    id: task.id,
    status: task.status,
    error: task.error,
    file_name: task.fileName,
    result_url: `${publicUrl}/api/v1/tasks/${task.id}`,
    ...(task.callbackIncludeResult ? { result: task.status === 'completed' ? task.result : null } : {}),
  });
}

/**
 * Signs a callback body: HMAC-SHA256 with `secret` over `"<timestamp>.<body>"` (the scheme of
 * Stripe's and Slack's webhooks), so receivers can check origin and integrity and reject replays
 * by the timestamp.
 * @param timestamp Unix seconds
 * @returns the signature header value, `v1=<hex>`
 */
export function signCallback(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
