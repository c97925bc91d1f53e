import { parseBoolean } from '@app/config';
import { Transform } from 'class-transformer';

/** Form fields arrive as strings: '' and null mean "not given"; strings are trimmed. */
export const EmptyToUndefined = () =>
  Transform(({ value }: { value: unknown }) =>
    value === '' || value === null ? undefined : typeof value === 'string' ? value.trim() : value,
  );

/** Numbers from form fields ('5', '0.5'); anything unparsable stays a string and fails validation. */
export const ToNumber = () =>
  Transform(({ value }: { value: unknown }) => {
    if (value === '' || value === null || value === undefined) return undefined;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    return value;
  });

/** Booleans from form fields: true/false, 1/0, yes/no, on/off (as configuration reads them). */
export const ToBoolean = () =>
  Transform(({ value }: { value: unknown }) => (value === '' || value === null ? undefined : parseBoolean(value)));
