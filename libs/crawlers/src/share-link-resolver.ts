import type { Agent } from 'node:http';
import { PlatformClient, type PlatformClientOptions } from './http-client';
import { LinkError } from './link-error';
import { checkAnswer, isLoginPage } from './page-data';
import {
  type ItemTarget,
  type LinkResolver,
  type LinkTarget,
  type Platform,
  PLATFORM_NAMES,
  type ResolvedMedia,
  type ShareLink,
} from './resolved-media';

/** Redirect hops followed from a short link to its post (short links chain through other short links). */
const MAX_SHORT_LINK_HOPS = 5;

/** Where a platform is reached; tests and mirrors point these at other servers. */
export interface PlatformEndpoints extends PlatformClientOptions {
  /** Origin of the post pages, e.g. `https://www.tiktok.com`. */
  baseUrl: string;
  /** Origin asked for short-link codes instead of the link's own host, or null. */
  shortLinkBaseUrl: string | null;
}

/**
 * What the two resolvers share: reading short links (follow the redirects until a post link
 * appears), then resolving the post with the platform's own page reader.
 */
export abstract class ShareLinkResolver implements LinkResolver {
  abstract readonly platform: Platform;
  protected readonly client: PlatformClient;

  constructor(protected readonly endpoints: PlatformEndpoints) {
    this.client = new PlatformClient(endpoints);
  }

  /** The proxy agent for this platform's CDN (when a proxy is set) and the hosts exempt from the address guard. */
  get network(): { proxy: Agent | undefined; allowedHosts: ReadonlySet<string> } {
    return { proxy: this.client.agent, allowedHosts: this.endpoints.allowedHosts };
  }

  abstract parse(url: URL): LinkTarget | null;

  /** Fetches the post's page or data and reads its media. @throws LinkError */
  protected abstract resolveItem(target: ItemTarget, signal?: AbortSignal): Promise<ResolvedMedia>;

  async resolve(link: ShareLink, signal?: AbortSignal): Promise<ResolvedMedia> {
    const target = link.target.type === 'item' ? link.target : await this.followShortLink(new URL(link.url), signal);
    return this.resolveItem(target, signal);
  }

  /**
   * Follows a short link's redirects without fetching the post page they lead to: the post id is
   * read from the `Location` header.
   * @throws LinkError `not_found` (unknown or expired code, or a redirect to the home page),
   *   `unsupported_link` (leads to a profile, a live room, …), and the classes of `checkAnswer`
   */
  private async followShortLink(link: URL, signal?: AbortSignal): Promise<ItemTarget> {
    const name = PLATFORM_NAMES[this.platform];
    let current = link;
    for (let hop = 0; hop < MAX_SHORT_LINK_HOPS; hop++) {
      const asked = this.endpoints.shortLinkBaseUrl
        ? new URL(current.pathname + current.search, this.endpoints.shortLinkBaseUrl)
        : current;
      const response = await this.client.get(asked, signal);
      const location = response.headers.location;
      if (response.status < 300 || response.status >= 400 || !location) {
        checkAnswer(response, `The ${name} short link ${link.href}`);
        throw new LinkError(
          'unexpected_format',
          `The ${name} short link ${link.href} answered without redirecting to a post.`,
        );
      }
      const next = new URL(location, response.url);
      if (isLoginPage(next))
        throw new LinkError(
          'login_required',
          `The ${name} short link ${link.href} redirects to a login page. Set this platform's cookie.`,
        );
      const target = this.parse(next);
      if (target?.type === 'item') return target;
      if (target?.type === 'short') {
        current = next;
        continue;
      }
      if (next.pathname === '/' || next.pathname === '')
        throw new LinkError(
          'not_found',
          `The ${name} short link ${link.href} leads to no post (to the home page): the code is unknown or expired.`,
        );
      throw new LinkError(
        'unsupported_link',
        `The ${name} short link ${link.href} leads to ${next.origin}${next.pathname}, which is not a video or note.`,
      );
    }
    throw new LinkError(
      'unexpected_format',
      `The ${name} short link ${link.href} redirected more than ${MAX_SHORT_LINK_HOPS} times without reaching a post.`,
    );
  }
}
