import { LinkError } from '../link-error';
import { checkAnswer, scriptJson } from '../page-data';
import type { ItemTarget, LinkTarget, ResolvedMedia } from '../resolved-media';
import { ShareLinkResolver } from '../share-link-resolver';
import { parseTikTokUrl } from './tiktok.links';

/** The part of TikTok's page state (`__UNIVERSAL_DATA_FOR_REHYDRATION__`) Hark reads. */
interface TikTokPageState {
  __DEFAULT_SCOPE__?: {
    'webapp.video-detail'?: {
      statusCode?: number;
      statusMsg?: string;
      itemInfo?: { itemStruct?: TikTokItem };
    };
  };
}

interface TikTokItem {
  id?: string;
  desc?: string;
  author?: { uniqueId?: string; nickname?: string };
  imagePost?: unknown;
  video?: {
    duration?: number;
    cover?: string;
    originCover?: string;
    /** The web player's address: no watermark. */
    playAddr?: string;
    /** The "save video" address: watermarked. */
    downloadAddr?: string;
    bitrateInfo?: { PlayAddr?: { UrlList?: string[] } }[];
  };
}

/**
 * `statusCode`s of `webapp.video-detail` for posts that cannot be shown, as seen on public pages:
 * 10204 the post does not exist; 10202/10203 private account or post; 10216 under review or
 * private; 10217 taken down; 10222 visible to logged-in users only.
 */
const NOT_FOUND_STATUSES = new Set([10202, 10203, 10204, 10216, 10217]);
const LOGIN_STATUSES = new Set([10222]);

/**
 * TikTok: reads the post's web page, whose server-rendered state carries the post and its play
 * addresses. The CDN only serves media to requests with the page's cookies (`tt_chain_token`)
 * and a tiktok.com Referer, so both go into the download headers.
 */
export class TikTokResolver extends ShareLinkResolver {
  readonly platform = 'tiktok' as const;

  parse(url: URL): LinkTarget | null {
    return parseTikTokUrl(url);
  }

  protected async resolveItem(target: ItemTarget, signal?: AbortSignal): Promise<ResolvedMedia> {
    const what = `TikTok video ${target.id}`;
    // TikTok serves /@<anyone>/video/<id> by redirecting to the author's path.
    const response = await this.client.get(
      new URL(`/@${target.username ?? ''}/video/${target.id}`, this.endpoints.baseUrl),
      signal,
    );
    checkAnswer(response, what);
    const state = scriptJson(response.body, '__UNIVERSAL_DATA_FOR_REHYDRATION__') as TikTokPageState | undefined;
    const detail = state?.__DEFAULT_SCOPE__?.['webapp.video-detail'];
    if (!detail)
      throw new LinkError(
        'unexpected_format',
        `The page of ${what} has no webapp.video-detail state; TikTok may have changed its page layout.`,
      );
    const status = detail.statusCode ?? 0;
    const message = detail.statusMsg ? ` (“${detail.statusMsg}”)` : '';
    if (/region|country/i.test(detail.statusMsg ?? ''))
      throw new LinkError(
        'region_blocked',
        `${what} is not available in this server's region${message}. Set TIKTOK_PROXY to a proxy in another region.`,
      );
    if (NOT_FOUND_STATUSES.has(status))
      throw new LinkError('not_found', `${what} is deleted, private or under review (statusCode ${status})${message}.`);
    if (LOGIN_STATUSES.has(status))
      throw new LinkError(
        'login_required',
        `${what} is shown to logged-in users only (statusCode ${status})${message}. Set TIKTOK_COOKIE.`,
      );
    if (status !== 0)
      throw new LinkError('unexpected_format', `TikTok answered statusCode ${status}${message} for ${what}.`);
    const item = detail.itemInfo?.itemStruct;
    if (!item?.id)
      throw new LinkError(
        'unexpected_format',
        `The page of ${what} has no itemStruct; TikTok may have changed its page layout.`,
      );
    return this.toMedia(item, response.url, response.cookies);
  }

  private toMedia(item: TikTokItem, pageUrl: URL, pageCookies: string[]): ResolvedMedia {
    const video = item.video ?? {};
    const clean =
      video.playAddr || video.bitrateInfo?.find((rate) => rate.PlayAddr?.UrlList?.length)?.PlayAddr?.UrlList?.[0];
    const mediaUrl = clean || video.downloadAddr;
    if (!mediaUrl) {
      if (item.imagePost)
        throw new LinkError(
          'unsupported_link',
          `TikTok post ${item.id} is a photo post; it has no video to transcribe.`,
        );
      throw new LinkError(
        'unexpected_format',
        `TikTok video ${item.id} has no play address; TikTok may have changed its page layout.`,
      );
    }
    return {
      platform: 'tiktok',
      videoId: item.id!,
      pageUrl: `${pageUrl.origin}${pageUrl.pathname}`,
      mediaUrl,
      watermark: !clean,
      headers: this.client.downloadHeaders(`${new URL(this.endpoints.baseUrl).origin}/`, pageCookies),
      title: item.desc || null,
      author: { username: item.author?.uniqueId || null, nickname: item.author?.nickname || null },
      duration: video.duration || null,
      coverUrl: video.cover || video.originCover || null,
    };
  }
}
