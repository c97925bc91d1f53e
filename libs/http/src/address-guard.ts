import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { embeddedIPv4 } from './embedded-ipv4';
import { UrlNotAllowedError } from './http-errors';

/**
 * True for addresses on the public internet. Loopback, private (RFC 1918, fc00::/7), link-local
 * (169.254/16 — cloud metadata services live there — and fe80::/10), carrier-grade NAT,
 * multicast, reserved and unspecified ranges are not. Ranges as classified by ipaddr.js
 * (`range() === 'unicast'`). An IPv6 address that embeds an IPv4 address (IPv4-mapped,
 * -translated and -compatible, NAT64, 6to4, Teredo, ISATAP: `embeddedIPv4`) is judged by that
 * IPv4 address (and, for ISATAP, by its IPv6 prefix as well).
 * @param address an IPv4 or IPv6 address (throws for anything else)
 */
export function isPublicAddress(address: string): boolean {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const embedded = embeddedIPv4(parsed as ipaddr.IPv6);
  if (!embedded) return parsed.range() === 'unicast';
  return embedded.ipv4.range() === 'unicast' && (!embedded.judgePrefix || parsed.range() === 'unicast');
}

/** A host name as matched against ALLOWED_URL_HOSTS: lower case, without IPv6 brackets. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * Refuses `address` (what `hostname` resolved to, or the address connected to) unless it is
 * public or `hostname` is in `allowedHosts`.
 * @throws UrlNotAllowedError `<host> is not a public address (…); add the host to ALLOWED_URL_HOSTS to allow it`
 *   (the address itself is never named: messages reach users and must not map an internal network)
 */
export function checkAddress(hostname: string, address: string, allowedHosts: ReadonlySet<string>): void {
  const host = bareHost(hostname);
  if (allowedHosts.has(host) || isPublicAddress(address)) return;
  throw new UrlNotAllowedError(
    `${host} is not a public address (loopback, private, link-local or reserved); add the host to ALLOWED_URL_HOSTS to allow it`,
  );
}

/**
 * A `lookup` for `http.request` / `net.connect` that resolves like `dns.lookup` and refuses
 * non-public addresses (all of them are checked, not only the first), unless the host is in
 * `allowedHosts`. Checking at connection time (not before) also covers redirects and DNS
 * rebinding. Node does not call `lookup` for IP literals: see `checkAddress`.
 * @throws (through the callback) UrlNotAllowedError, or the DNS error
 */
export function guardedLookup(allowedHosts: ReadonlySet<string>): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      try {
        for (const entry of addresses) checkAddress(hostname, entry.address, allowedHosts);
      } catch (refused) {
        return callback(refused as UrlNotAllowedError, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
