import type { ErrorCode } from '@app/errors';
import { HttpStatus } from '@nestjs/common';

/**
 * How the api answers a domain error: its HTTP status, a hint appended to the message, a
 * Retry-After in seconds, and the request field named in `details` when the error does not name one.
 */
export interface HttpMapping {
  status: number;
  hint?: string;
  retryAfter?: number;
  field?: string;
}

const CONTAINS_AUDIO = 'Upload a file that contains audio.';

/**
 * The one table from domain errors (`HarkError.code`) to HTTP: the client's input (400, 415, 422),
 * what is missing (404), a task whose state refuses a command (409), what a platform refuses this server (403, 451, 429), and an upstream that
 * answered nothing usable (502).
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, HttpMapping>> = {
  empty: { status: HttpStatus.UNPROCESSABLE_ENTITY, hint: CONTAINS_AUDIO },
  unreadable: {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    hint: 'Upload an audio or video file that ffmpeg can read (wav, mp3, m4a, flac, ogg, opus, mp4, mkv, webm, …).',
  },
  unsupported_format: {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    hint: 'Upload the media itself (wav, mp3, m4a, flac, ogg, opus, mp4, mkv, webm, …), not a playlist or a list of other files.',
  },
  no_audio: { status: HttpStatus.UNPROCESSABLE_ENTITY, hint: CONTAINS_AUDIO },
  decode_failed: { status: HttpStatus.UNPROCESSABLE_ENTITY, hint: CONTAINS_AUDIO },
  too_long: { status: HttpStatus.UNPROCESSABLE_ENTITY },
  download_failed: { status: HttpStatus.BAD_GATEWAY },
  url_not_allowed: { status: HttpStatus.BAD_REQUEST },
  unsupported_link: { status: HttpStatus.BAD_REQUEST, field: 'url' },
  not_found: { status: HttpStatus.NOT_FOUND },
  login_required: { status: HttpStatus.FORBIDDEN },
  region_blocked: { status: 451 }, // Unavailable For Legal Reasons (RFC 7725); not in HttpStatus
  rate_limited: { status: HttpStatus.TOO_MANY_REQUESTS, retryAfter: 30 },
  empty_response: { status: HttpStatus.BAD_GATEWAY },
  unexpected_format: { status: HttpStatus.BAD_GATEWAY },
  network_error: { status: HttpStatus.BAD_GATEWAY },
  poison_task: { status: HttpStatus.INTERNAL_SERVER_ERROR },
  dependency_outage: { status: HttpStatus.SERVICE_UNAVAILABLE, retryAfter: 5 },
  invalid_api_key: { status: HttpStatus.UNAUTHORIZED },
  rate_limit_exceeded: { status: HttpStatus.TOO_MANY_REQUESTS, retryAfter: 30 },
  too_many_streams: { status: HttpStatus.TOO_MANY_REQUESTS, retryAfter: 10 },
  model_not_found: { status: HttpStatus.NOT_FOUND },
  dependency_unavailable: { status: HttpStatus.SERVICE_UNAVAILABLE, retryAfter: 5 },
  media_gone: { status: HttpStatus.GONE },
  idempotency_conflict: { status: HttpStatus.CONFLICT },
  invalid_request: { status: HttpStatus.BAD_REQUEST },
  unsupported_option: { status: HttpStatus.UNPROCESSABLE_ENTITY },
  task_not_found: { status: HttpStatus.NOT_FOUND },
  task_state_conflict: { status: HttpStatus.CONFLICT },
  task_busy: { status: HttpStatus.CONFLICT },
  callback_unavailable: { status: HttpStatus.CONFLICT },
};
