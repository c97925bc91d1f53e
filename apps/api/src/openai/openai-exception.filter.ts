import { HarkConfig } from '@app/config';
import { Catch, Injectable } from '@nestjs/common';
import type { ErrorBodyDto } from '../common/error-body';
import { ShapedExceptionFilter } from '../common/shaped-exception.filter';

/** OpenAI's error body. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** OpenAI's error `type` and default `code` per HTTP status (OpenAI API reference, "Error codes"). */
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

/** Errors of the OpenAI-compatible endpoints, in OpenAI's shape. Bound to `OpenAiController`. */
@Catch()
@Injectable()
export class OpenAiExceptionFilter extends ShapedExceptionFilter {
  constructor(config: HarkConfig) {
    super(config);
  }

  protected shape(body: ErrorBodyDto): OpenAiErrorBody {
    return openAiErrorBody(body);
  }
}

/** The api's error as OpenAI's error body (also the `error` event of a streamed transcription). */
export function openAiErrorBody(body: ErrorBodyDto): OpenAiErrorBody {
  const [type, defaultCode] =
    TYPES[body.statusCode] ?? (body.statusCode >= 500 ? ['server_error', null] : ['invalid_request_error', null]);
  return {
    error: { message: body.message, type, param: body.details?.[0]?.field ?? null, code: body.code ?? defaultCode },
  };
}
