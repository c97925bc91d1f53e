export { ERROR_CODES, LINK_ERROR_CODES } from './error-codes';
export type { ErrorCode } from './error-codes';
export { type FieldProblems, HarkError } from './hark-error';
export { databaseBusyReason, isConnectionError } from './connection-error';
