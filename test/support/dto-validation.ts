import type { BadRequestException, Paramtype, Type } from '@nestjs/common';
import { expect } from 'vitest';
import { createValidationPipe } from '../../apps/api/src/common/validation';

const pipe = createValidationPipe();

/**
 * A DTO as the api's validation pipe gives it to a route: `body` (multipart fields are strings,
 * JSON keeps its types) or `query` (strings).
 */
export function acceptDto<T>(metatype: Type<T>, input: Record<string, unknown>, type: Paramtype = 'body'): Promise<T> {
  return pipe.transform(input, { type, metatype }) as Promise<T>;
}

/** The per-field problems (`details`) of the 400 the validation pipe answers for `input`; fails when it accepts it. */
export async function dtoProblems<T>(
  metatype: Type<T>,
  input: Record<string, unknown>,
  type: Paramtype = 'body',
): Promise<unknown> {
  const error = (await acceptDto(metatype, input, type).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as BadRequestException | undefined;
  expect(error?.getStatus()).toBe(400);
  return (error!.getResponse() as { details: unknown }).details;
}
