import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldErrorDto } from './error-body';

function flatten(errors: ValidationError[], prefix = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], `${field}.`)];
  });
}

/**
 * The global validation pipe: converts types, strips unknown fields, and answers 400 with one
 * readable message plus `details` naming each invalid field and its rule (allowed values included).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const message = details.flatMap((detail) => detail.problems).join('; ');
      return new BadRequestException({ message, details });
    },
  });
}
