import { type LinkError, type LinkErrorCode } from '@app/crawlers';
import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * HTTP status of each share-link failure, when the api itself resolves or checks a link: the
 * client's link (400), the post (404), what the platform refuses this server (403, 451, 429),
 * and the platform's answer being unusable (502).
 */
const STATUS: Readonly<Record<LinkErrorCode, number>> = {
  unsupported_link: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  login_required: HttpStatus.FORBIDDEN,
  region_blocked: 451, // Unavailable For Legal Reasons (RFC 7725); not in HttpStatus
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  empty_response: HttpStatus.BAD_GATEWAY,
  unexpected_format: HttpStatus.BAD_GATEWAY,
  network_error: HttpStatus.BAD_GATEWAY,
};

/** The api's answer for a share-link failure: the error body with `code`; a bad link names the `url` field. */
export function linkHttpException(error: LinkError): HttpException {
  const status = STATUS[error.code];
  return new HttpException(
    {
      message: error.message,
      code: error.code,
      ...(status === HttpStatus.TOO_MANY_REQUESTS ? { retryAfter: 30 } : {}),
      ...(error.code === 'unsupported_link' ? { details: [{ field: 'url', problems: [error.message] }] } : {}),
    },
    status,
  );
}
