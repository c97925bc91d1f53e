import http, { type Agent, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { bareHost, checkAddress, guardedLookup } from './address-guard';

/** One request of an exchange (one redirect hop). */
export interface Hop {
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  signal: AbortSignal;
  /** A proxy agent; without one, a fresh connection (no pooling) per request. */
  proxy?: Agent;
  /** Hosts exempt from the guard, or null when the guard is off. */
  allowedHosts: ReadonlySet<string> | null;
  /** Longest time without data on the connection, in ms. */
  idleTimeoutMs?: number;
  /** Called when `idleTimeoutMs` passes without data. */
  onIdle: () => void;
}

/**
 * Sends one request; resolves with the answer's head, body unread. Unless `allowedHosts` is null
 * or a proxy is used (the proxy resolves and connects), the address guard is applied three
 * times: to an IP-literal host before connecting (Node does not call `lookup` for those), to
 * every address a host name resolves to (`guardedLookup`), and to the address the socket
 * actually connected to, before anything is sent. Connections are not pooled, so no socket
 * opened without the guard is ever reused with it.
 * @throws UrlNotAllowedError for a refused address; the raw network or abort error otherwise
 */
export function send(url: URL, hop: Hop): Promise<IncomingMessage> {
  const guard = hop.proxy ? null : hop.allowedHosts;
  const host = bareHost(url.hostname);
  return new Promise((resolve, reject) => {
    if (guard && isIP(host)) checkAddress(host, host, guard);
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      url,
      {
        method: hop.method,
        headers: hop.headers,
        signal: hop.signal,
        agent: hop.proxy ?? false,
        ...(guard ? { lookup: guardedLookup(guard) } : {}),
      },
      resolve,
    );
    request.on('error', reject);
    if (guard) {
      // Registered before the request's own 'connect' listener (which writes the head), so a
      // refused socket is destroyed before a byte is sent.
      request.on('socket', (socket) => {
        const check = () => {
          try {
            if (socket.remoteAddress) checkAddress(host, socket.remoteAddress, guard);
          } catch (refused) {
            request.destroy(refused as Error);
          }
        };
        if (socket.connecting) socket.once('connect', check);
        else check();
      });
    }
    if (hop.idleTimeoutMs !== undefined) request.setTimeout(hop.idleTimeoutMs, hop.onIdle);
    request.end(hop.body);
  });
}
