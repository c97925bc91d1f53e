/**
 * Why a share link could not be resolved. Only `rate_limited` and `network_error` are worth
 * retrying; the others need a different link, a cookie, a proxy or a code change.
 */
export const LINK_ERROR_CODES = [
  'unsupported_link',
  'not_found',
  'login_required',
  'region_blocked',
  'rate_limited',
  'empty_response',
  'unexpected_format',
  'network_error',
] as const;

/**
 * Every machine-readable error code Hark reports: in a task's `error_code`, in the `code` of an
 * error body, and in Swagger. Grouped by where the failure comes from.
 */
export const ERROR_CODES = [
  // The media itself (ffprobe / ffmpeg).
  'empty',
  'unreadable',
  'no_audio',
  'decode_failed',
  /** A playlist or another indirection format (HLS, DASH, concat, …), or a container not on the whitelist. */
  'unsupported_format',
  /** Longer than a limit allows (DIARIZATION_MAX_SECONDS). */
  'too_long',
  // Fetching media from a URL.
  'download_failed',
  'url_not_allowed',
  // Resolving a TikTok / Douyin share link.
  ...LINK_ERROR_CODES,
  // The task itself.
  'poison_task',
  'dependency_outage',
  // Requests to the api.
  'invalid_api_key',
  'rate_limit_exceeded',
  /** Too many open event streams (EVENT_STREAMS_PER_KEY, EVENT_STREAMS_MAX). */
  'too_many_streams',
  'model_not_found',
  'dependency_unavailable',
  'media_gone',
  'idempotency_conflict',
  /** A request the api refuses as it is: fields that cannot go together, a body of the wrong shape, names that cannot be given. */
  'invalid_request',
  /** A decode option the task's model cannot apply (named with the reason). */
  'unsupported_option',
  /** No task has this id, or it belongs to another API key. */
  'task_not_found',
  /** The task's status does not allow the command (e.g. cancelling a finished task, renaming speakers before it completed). */
  'task_state_conflict',
  /** Another actor is working on the task right now (a processor stopping it, its callback being sent, another request); try again. */
  'task_busy',
  /** The task has no callback to redeliver, or callbacks are disabled on the server. */
  'callback_unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
