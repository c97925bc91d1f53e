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
] as const;
export type LinkErrorCode = (typeof LINK_ERROR_CODES)[number];

const RETRYABLE: ReadonlySet<LinkErrorCode> = new Set(['rate_limited', 'network_error']);

/** A classified failure to resolve a share link; `message` is written for the user. */
export class LinkError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: LinkErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LinkError';
    this.retryable = RETRYABLE.has(code);
  }
}
