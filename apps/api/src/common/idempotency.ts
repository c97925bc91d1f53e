import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { applyDecorators, BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';

/** The request header that makes a creating request idempotent. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The response header of an answer that replays an earlier request's (value `true`). */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** How long a key stays bound to the task it created; after that it may be used again. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

/** 1–255 printable ASCII characters (space to `~`). */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * An `Idempotency-Key` header value, checked.
 * @returns the key, or undefined when the header is absent
 * @throws BadRequestException (400) naming the header when it is not 1–255 printable ASCII characters
 */
export function parseIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && VALID_KEY.test(value)) return value;
  const problem = `${IDEMPOTENCY_KEY_HEADER} must be 1–255 printable ASCII characters`;
  throw new BadRequestException({
    message: `${problem} (got ${typeof value === 'string' ? `${value.length} characters${value.length && value.length <= 255 ? ', not all printable' : ''}` : 'several headers'}). Send one header with a value of your own, e.g. a UUID, and the same value when you repeat the request.`,
    details: [{ field: IDEMPOTENCY_KEY_HEADER, problems: [problem] }],
  });
}

/**
 * The request's `Idempotency-Key` (undefined when it has none), checked by `parseIdempotencyKey`:
 * a bad value is a 400 before anything is created.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined =>
  parseIdempotencyKey(context.switchToHttp().getRequest<Request>().headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()]),
);

/**
 * Documents the `Idempotency-Key` header of a creating route.
 * @param answer what a repeat gets back (e.g. "the original task")
 */
export function ApiIdempotencyKey(answer: string): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description: `Makes the request safe to repeat (after a network error, a timeout): 1–255 printable ASCII characters of your choice, e.g. a UUID. A repeat with the same key by the same API key within ${IDEMPOTENCY_WINDOW_HOURS} h creates nothing and gets ${answer}, with the same status code and \`${IDEMPOTENT_REPLAYED_HEADER}: true\`; concurrent repeats too. The same key with a different request (fields or file content) is 409 \`idempotency_conflict\`. After ${IDEMPOTENCY_WINDOW_HOURS} h the key may be used again.`,
      schema: { type: 'string', minLength: 1, maxLength: 255, example: '6f1c2f0e-6a2b-4b8e-9d4e-3b7a1c9e2f10' },
    }),
  );
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/**
 * What identifies a creating request, to tell a repeat from a different request with the same
 * `Idempotency-Key`: SHA-256 (hex) over its canonical fields and the bytes of its file (read from
 * disk, streamed).
 * @param fields the request as accepted (defaults filled in), without what differs between
 *   repeats (generated ids, stored paths)
 */
export async function requestHash(fields: Record<string, unknown>, filePath?: string): Promise<string> {
  const hash = createHash('sha256').update(canonicalJson(fields)).update('\0');
  if (filePath) for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
