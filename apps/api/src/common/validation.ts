import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { closest, distance } from 'fastest-levenshtein';
import type { FieldErrorDto } from './error-body';

/** class-validator's constraint name for a property the class does not declare (`forbidNonWhitelisted`). */
const UNKNOWN_FIELD = 'whitelistValidation';

/** How a file is sent, quoted when `file` arrives as a text field. */
const FILE_HINT = 'e.g. curl -F file=@talk.mp3 …';

/** The fields a DTO class declares (every property with a class-validator decorator, inherited ones included). */
function knownFields(target: unknown): string[] {
  const type = typeof target === 'object' && target !== null ? target.constructor : undefined;
  if (typeof type !== 'function') return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))];
}

/** A name reduced to what a typo keeps: lower case letters and digits (`fileUrl`, `file-url` → `fileurl`). */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The known field a client most likely meant by `name`: the same name in another spelling
 * (`fileUrl` → `file_url`), else the shortest known name that begins with it or that it begins with
 * (`lang` → `language`), else the nearest by Levenshtein distance when it is close (at most a third
 * of the name's letters differ: `priorty` → `priority`); undefined when none is close.
 */
export function suggestField(name: string, known: readonly string[]): string | undefined {
  const wanted = normalize(name);
  if (!wanted || !known.length) return undefined;
  const forms = new Map(known.map((field) => [normalize(field), field]));
  const same = forms.get(wanted);
  if (same) return same;
  const prefixed = [...forms.keys()]
    .filter((form) => Math.min(form.length, wanted.length) >= 3 && (form.startsWith(wanted) || wanted.startsWith(form)))
    .sort((a, b) => Math.abs(a.length - wanted.length) - Math.abs(b.length - wanted.length))[0];
  if (prefixed) return forms.get(prefixed);
  const nearest = closest(wanted, [...forms.keys()]);
  return distance(wanted, nearest) <= Math.max(1, Math.floor(wanted.length / 3)) ? forms.get(nearest) : undefined;
}

/** The problem of a field the request's DTO does not declare: what it is, and the name meant (or the names accepted). */
export function unknownFieldProblem(field: string, known: readonly string[]): string {
  if (field === 'file')
    return `file must be sent as a file (a multipart/form-data part with a file name, ${FILE_HINT}), not as a text field`;
  const suggestion = suggestField(field, known);
  if (suggestion) return `${field} is not a field; did you mean ${suggestion}?`;
  return known.length
    ? `${field} is not a field; the fields are ${known.join(', ')}`
    : `${field} is not a field; this request takes no fields besides the file`;
}

function flatten(errors: ValidationError[], prefix = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const constraints = error.constraints;
    const problems = !constraints
      ? []
      : UNKNOWN_FIELD in constraints
        ? [unknownFieldProblem(field, knownFields(error.target))]
        : Object.values(constraints);
    const own = problems.length ? [{ field, problems }] : [];
    return [...own, ...flatten(error.children ?? [], `${field}.`)];
  });
}

/**
 * The global validation pipe: converts types, refuses fields the route does not declare (each one
 * named, with the known name it most likely meant: `lang is not a field; did you mean language?`),
 * and answers 400 with one readable message plus `details` naming each invalid field and its rule
 * (allowed values included). Multipart bodies are validated alike: multer gives
 * `timestamp_granularities[]` fields as the array `timestamp_granularities`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    // The target (the DTO instance) tells the exception factory which fields are known; it is
    // never put into the response.
    validationError: { target: true },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const message = details.flatMap((detail) => detail.problems).join('; ');
      return new BadRequestException({ message, details });
    },
  });
}
