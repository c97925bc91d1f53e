import { Transform } from 'class-transformer';

/** Form fields arrive as strings: '' and null mean "not given"; strings are trimmed. */
export const EmptyToUndefined = () =>
  Transform(({ value }: { value: unknown }) => (value === '' || value === null ? undefined : typeof value === 'string' ? value.trim() : value));

/** Numbers from form fields ('5', '0.5'); anything unparsable stays a string and fails validation. */
export const ToNumber = () =>
  Transform(({ value }: { value: unknown }) => {
    if (value === '' || value === null || value === undefined) return undefined;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    return value;
  });

/** Booleans from form fields: true/false, 1/0, yes/no, on/off. */
export const ToBoolean = () =>
  Transform(({ value }: { value: unknown }) => {
    if (value === '' || value === null || value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    const text = String(value).trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off'].includes(text)) return false;
    return value;
  });
