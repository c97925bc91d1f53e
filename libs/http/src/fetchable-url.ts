import { guardedLookup } from './address-guard';
import { UrlNotAllowedError } from './http-errors';

/**
 * Checks a URL a client gave before accepting it: http(s) only, and a host that resolves to
 * public addresses only (or is in `allowedHosts`, from ALLOWED_URL_HOSTS). The download checks
 * again, hop by hop, at connection time.
 * @returns the parsed URL
 * @throws UrlNotAllowedError (code `url_not_allowed`) with a message for the client
 */
export async function assertFetchableUrl(url: string, allowedHosts: ReadonlySet<string>): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UrlNotAllowedError(`${url} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UrlNotAllowedError(`${url} must use http or https`);
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) =>
    guardedLookup(allowedHosts)(hostname, { all: true }, (error) => {
      if (!error) resolve();
      else
        reject(
          error instanceof UrlNotAllowedError
            ? error
            : new UrlNotAllowedError(`The host of ${url} cannot be resolved (${error.code ?? error.message})`),
        );
    }),
  );
  return parsed;
}
