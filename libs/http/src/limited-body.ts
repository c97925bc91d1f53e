import type { IncomingMessage } from 'node:http';
import { finished, type Readable, Transform } from 'node:stream';
import type { Exchange } from './exchange';
import { HttpRequestError } from './http-errors';

/** A size limit: at most `maxBytes` bytes; `setting` (e.g. MAX_UPLOAD_BYTES) is named in messages. */
export interface SizeLimit {
  maxBytes: number;
  setting?: string;
}

const named = (limit: SizeLimit) => (limit.setting ? ` (${limit.setting})` : '');

/**
 * Refuses an answer whose Content-Length is over the limit.
 * @throws HttpRequestError `too_large`: `too large: <n> bytes, the limit is <max> (SETTING)`
 */
export function checkDeclaredSize(response: IncomingMessage, url: URL, limit: SizeLimit): void {
  const declared = Number(response.headers['content-length']);
  if (declared > limit.maxBytes) {
    response.destroy();
    throw new HttpRequestError(
      'too_large',
      `too large: ${declared} bytes, the limit is ${limit.maxBytes}${named(limit)}`,
      false,
      { url },
    );
  }
}

/**
 * The body of `response` as the caller reads it: cut at the size limit, and failing with the
 * exchange's errors (`Exchange.explain`) instead of raw socket errors. An unread body never
 * crashes the process with an unhandled 'error'; a body dropped early closes the connection.
 * Errors: HttpRequestError `too_large` (`too large: more than <max> bytes (SETTING)`),
 * `timeout`, `network`; or the caller's abort reason.
 */
export function limitedBody(response: IncomingMessage, url: URL, exchange: Exchange, limit?: SizeLimit): Readable {
  let bytes = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (limit && bytes > limit.maxBytes)
        return callback(
          new HttpRequestError('too_large', `too large: more than ${limit.maxBytes} bytes${named(limit)}`, false, {
            url,
          }),
        );
      callback(null, chunk);
    },
  });
  body.on('error', () => {}); // delivered to whoever reads (pipeline, async iteration)
  body.on('close', () => {
    if (!response.complete) response.destroy();
  });
  finished(response, (error) => {
    if (error && !body.destroyed) body.destroy(exchange.explain(error, url) as Error);
  });
  response.pipe(body);
  return body;
}
