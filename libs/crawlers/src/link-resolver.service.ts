import type { Agent } from 'node:http';
import { HarkConfig, type PlatformSettings } from '@app/config';
import { Injectable } from '@nestjs/common';
import { DouyinResolver } from './douyin/douyin.resolver';
import { LinkError } from './link-error';
import { type Platform, PLATFORM_NAMES, PLATFORMS, type ResolvedMedia, type ShareLink } from './resolved-media';
import type { ShareLinkResolver } from './share-link-resolver';
import { TikTokResolver } from './tiktok/tiktok.resolver';

/**
 * Candidate links in free text: share texts wrap the link in other words (“7.43 复制打开抖音，看看
 * 【…】 https://v.douyin.com/iRNBho6u/ …”), sometimes without a scheme. A link ends at white space,
 * quotes, angle brackets or full-width punctuation.
 */
const LINK_IN_TEXT =
  /(?:https?:\/\/)?(?:[a-z0-9-]+\.)*(?:tiktok|douyin|iesdouyin)\.com(?:[/?][^\s"'<>，。！？；、（）【】「」]*)?/gi;

/** Link forms accepted per platform, for documentation and error messages. */
export const ACCEPTED_LINK_FORMS: Readonly<Record<Platform, readonly string[]>> = {
  tiktok: [
    'https://www.tiktok.com/@<user>/video/<id>',
    'https://m.tiktok.com/v/<id>.html',
    'https://vm.tiktok.com/<code>/',
    'https://vt.tiktok.com/<code>/',
    'https://www.tiktok.com/t/<code>/',
  ],
  douyin: [
    'https://www.douyin.com/video/<id>',
    'https://www.douyin.com/note/<id>',
    'https://www.douyin.com/<any page>?modal_id=<id>',
    'https://www.iesdouyin.com/share/video/<id>/',
    'https://v.douyin.com/<code>/',
  ],
};

/**
 * Finds share links in user input and resolves them with the platform's resolver, configured from
 * `TIKTOK_*` / `DOUYIN_*` (base URLs, cookie, User-Agent, proxy) and LINK_RESOLVE_TIMEOUT_MS.
 */
@Injectable()
export class LinkResolverService {
  private readonly resolvers: Readonly<Record<Platform, ShareLinkResolver>>;

  constructor(config: HarkConfig) {
    const timeoutMs = config.linkResolveTimeoutMs;
    // The platform's origins are the operator's choice (a mirror, a test server): exempt from the guard.
    const allowedHosts = (settings: PlatformSettings) =>
      new Set([
        ...config.allowedUrlHosts,
        ...[settings.baseUrl, settings.shortLinkBaseUrl].flatMap((url) =>
          url ? [new URL(url).hostname.toLowerCase()] : [],
        ),
      ]);
    this.resolvers = {
      tiktok: new TikTokResolver({ ...config.tiktok, timeoutMs, allowedHosts: allowedHosts(config.tiktok) }),
      douyin: new DouyinResolver({ ...config.douyin, timeoutMs, allowedHosts: allowedHosts(config.douyin) }),
    };
  }

  /**
   * Finds the first TikTok or Douyin post or short link in `text` (a bare link or a whole share
   * text). No network.
   * @param platform when given, only links of this platform are accepted
   * @throws LinkError `unsupported_link` saying what was expected
   */
  find(text: string, platform?: Platform): ShareLink {
    const wanted = platform ? [platform] : PLATFORMS;
    let other: Platform | undefined;
    for (const [match] of text.matchAll(LINK_IN_TEXT)) {
      const candidate = match.replace(/[.,;:!?)\]]+$/, ''); // sentence punctuation after the link
      let url: URL;
      try {
        url = new URL(/^https?:\/\//i.test(candidate) ? candidate : `https://${candidate}`);
      } catch {
        continue;
      }
      for (const resolver of Object.values(this.resolvers)) {
        const target = resolver.parse(url);
        if (!target) continue;
        if (!wanted.includes(resolver.platform)) {
          other ??= resolver.platform;
          continue;
        }
        url.protocol = 'https:';
        return { platform: resolver.platform, url: url.href, target };
      }
    }
    const expected = wanted.map((p) => PLATFORM_NAMES[p]).join(' or ');
    if (other)
      throw new LinkError('unsupported_link', `This is a ${PLATFORM_NAMES[other]} link, not a ${expected} link.`);
    const forms = wanted.flatMap((p) => ACCEPTED_LINK_FORMS[p]).join(', ');
    throw new LinkError(
      'unsupported_link',
      `No ${expected} video link found. Accepted forms: ${forms} (or a share text containing one). For a plain media file, use file_url.`,
    );
  }

  /**
   * Resolves a share link to its media and metadata.
   * @throws LinkError classified by cause (see `LinkErrorCode`)
   */
  resolve(link: ShareLink, signal?: AbortSignal): Promise<ResolvedMedia> {
    return this.resolvers[link.platform].resolve(link, signal);
  }

  /**
   * How a platform's media is downloaded: through its proxy agent when one is set, and with the
   * hosts exempt from the private-address guard (ALLOWED_URL_HOSTS and the platform's origins).
   */
  networkFor(platform: Platform): { proxy: Agent | undefined; allowedHosts: ReadonlySet<string> } {
    return this.resolvers[platform].network;
  }
}
