import { HarkError, type LINK_ERROR_CODES } from '@app/errors';

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
