export { assertFetchableUrl } from './fetchable-url';
export { isPublicAddress } from './address-guard';
export { cleanFileName, MAX_FILE_NAME_LENGTH } from './file-name';
export { DEFAULT_USER_AGENT } from './headers';
export { HttpClient } from './http-client';
export { HttpClientModule } from './http-client.module';
export { HttpRequestError, UrlNotAllowedError } from './http-errors';
export type { HttpFailure } from './http-errors';
export type {
  DownloadOptions,
  DownloadResult,
  GuardOptions,
  HttpFetcher,
  HttpResponse,
  LimitOptions,
  PostJsonOptions,
  RedirectPolicy,
  RequestOptions,
  TextOptions,
  TextResponse,
} from './http-types';
export { proxyAgent } from './proxy';
