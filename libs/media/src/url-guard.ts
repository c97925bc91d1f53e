import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A URL that Hark refuses to fetch (server-side request forgery guard) or cannot use. */
export class UrlNotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlNotAllowedError';
  }
}

/**
 * True for addresses on the public internet. Loopback, private (RFC 1918, fc00::/7), link-local
 * (169.254/16 — cloud metadata services live there — and fe80::/10), carrier-grade NAT,
 * multicast, reserved and unspecified ranges are not. Ranges as classified by ipaddr.js.
 */
export function isPublicAddress(address: string): boolean {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/**
 * A `lookup` for `http.request` that resolves like `dns.lookup` and refuses non-public addresses,
 * unless the host is in `allowedHosts`. Checking at connection time (not before) also covers
 * redirects and DNS rebinding.
 */
export function guardedLookup(allowedHosts: ReadonlySet<string>): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = allowedHosts.has(hostname.toLowerCase()) ? undefined : addresses.find((entry) => !isPublicAddress(entry.address));
      if (refused) {
        return callback(new UrlNotAllowedError(`${hostname} resolves to the non-public address ${refused.address}; add the host to ALLOWED_URL_HOSTS to allow it`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * Checks a URL a client gave before accepting it: http(s) only, and a host that resolves to
 * public addresses (or is in `allowedHosts`).
 * @throws UrlNotAllowedError with a message for the client
 */
export async function assertFetchableUrl(url: string, allowedHosts: ReadonlySet<string>): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UrlNotAllowedError(`${url} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UrlNotAllowedError(`${url} must use http or https`);
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) =>
    guardedLookup(allowedHosts)(hostname, { all: true }, (error) => {
      if (!error) resolve();
      else reject(error instanceof UrlNotAllowedError ? error : new UrlNotAllowedError(`The host of ${url} cannot be resolved (${(error as NodeJS.ErrnoException).code ?? error.message})`));
    }),
  );
  return parsed;
}
