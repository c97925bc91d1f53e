import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';

/**
 * An agent that sends requests through an HTTP(S) proxy with CONNECT (https-proxy-agent), for
 * the `proxy` option of `HttpClient`. The proxy resolves and connects to the target: the
 * private-address guard does not apply to requests through it.
 * @param proxyUrl e.g. `http://user:pass@proxy:8080`
 */
export function proxyAgent(proxyUrl: string): Agent {
  return new HttpsProxyAgent(proxyUrl);
}
