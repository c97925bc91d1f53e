import { type ErrorCode, HarkError } from '@app/errors';

/**
 * Why a link could not be resolved. Only `rate_limited` and `network_error` are worth retrying;
 * the others need a different link, a cookie, a proxy or a code change.
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
] as const satisfies readonly ErrorCode[];
export type LinkErrorCode = (typeof LINK_ERROR_CODES)[number];

const RETRYABLE: ReadonlySet<LinkErrorCode> = new Set(['rate_limited', 'network_error']);

/**
 * A classified failure to resolve a share link; `message` is written for the user. The task's
 * `error` leads with the code (`not_found: TikTok video … is deleted`).
 */
export class LinkError extends HarkError {
  declare readonly code: LinkErrorCode;

  constructor(code: LinkErrorCode, message: string) {
    super(code, message, RETRYABLE.has(code));
  }

  override taskError(): string {
    return `${this.code}: ${this.message}`;
  }
}
