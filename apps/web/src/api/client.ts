import { authHeaders, keyRequired } from './auth';
import type { ErrorBody } from './types';

/** An API error: its HTTP status (0 when the request did not get an answer) and the body's `message` and `code`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The ApiError of a failed response, from its JSON error body; reports a 401 to the key prompt. */
export async function errorOf(response: Response): Promise<ApiError> {
  let body: ErrorBody | null = null;
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // not JSON: the status line must do
  }
  return errorFrom(response.status, body, response.statusText);
}

/** The ApiError of a status and a parsed error body (also used by the XMLHttpRequest upload). */
export function errorFrom(status: number, body: ErrorBody | null, fallback: string): ApiError {
  const message = Array.isArray(body?.message) ? body.message.join('; ') : body?.message;
  const error = new ApiError(status, message || fallback || `HTTP ${status}`, body?.code);
  if (status === 401) keyRequired(error.message);
  return error;
}

/** Query parameters; empty and undefined values are left out. */
export type Query = Record<string, string | number | undefined>;

/** `path` with `query` appended. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(name, String(value));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** Fetches an API path (same origin) with the kept key; throws ApiError unless the answer is 2xx. */
export async function send(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { ...authHeaders(), ...(init.headers as Record<string, string>) },
    });
  } catch (error) {
    throw new ApiError(0, (error as Error).message);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** Calls a JSON route: `body` is sent as JSON; answers the parsed body (undefined for 204). */
export async function api<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await send(path, {
    method: options.method ?? 'GET',
    ...(options.body === undefined
      ? {}
      : { body: JSON.stringify(options.body), headers: { 'Content-Type': 'application/json' } }),
  });
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
