import type { ErrorBodyDto } from '../common/error-body';

/** OpenAI's error body. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const TYPES: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  404: ['invalid_request_error', null],
  413: ['invalid_request_error', 'file_too_large'],
  415: ['invalid_request_error', 'invalid_file_format'],
  422: ['invalid_request_error', null],
  429: ['rate_limit_exceeded', 'rate_limit_exceeded'],
  504: ['timeout', 'timeout'],
};

/** Re-shapes Hark's error body the way OpenAI's API reports errors (`/v1/*` routes). */
export function toOpenAiError(body: ErrorBodyDto, code?: string): OpenAiErrorBody {
  const [type, defaultCode] = TYPES[body.statusCode] ?? (body.statusCode >= 500 ? ['server_error', null] : ['invalid_request_error', null]);
  return { error: { message: body.message, type, param: body.details?.[0]?.field ?? null, code: code ?? defaultCode } };
}
