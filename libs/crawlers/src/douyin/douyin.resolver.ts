import { LinkError } from '../link-error';
import { assignedJson, checkAnswer } from '../page-data';
import type { ItemTarget, LinkTarget, ResolvedMedia } from '../resolved-media';
import { ShareLinkResolver } from '../share-link-resolver';
import { parseDouyinUrl } from './douyin.links';

/** The part of the share page's `window._ROUTER_DATA` Hark reads. */
interface DouyinRouterData {
  loaderData?: Record<string, { videoInfoRes?: DouyinItemInfo } | null | undefined>;
}

interface DouyinItemInfo {
  status_code?: number;
  item_list?: DouyinItem[];
  /** Why requested posts are not in `item_list`: `filter_reason` (e.g. `status_deleted`) and a message. */
  filter_list?: { aweme_id?: string; filter_reason?: string; detail_msg?: string }[];
}

interface DouyinItem {
  aweme_id?: string;
  desc?: string;
  author?: { unique_id?: string; short_id?: string; nickname?: string };
  images?: unknown[] | null;
  video?: {
    /** Milliseconds. */
    duration?: number;
    play_addr?: { url_list?: string[] };
    cover?: { url_list?: string[] };
    origin_cover?: { url_list?: string[] };
  };
}

/**
 * Douyin: reads the public share page (`iesdouyin.com/share/video/<id>/`, what a share link opens
 * in a phone's browser), whose `window._ROUTER_DATA` carries the post. Its play address
 * `…/aweme/v1/playwm/…` is the watermarked rendition; the same address with `play` instead of
 * `playwm` serves the clean one.
 */
export class DouyinResolver extends ShareLinkResolver {
  readonly platform = 'douyin' as const;

  parse(url: URL): LinkTarget | null {
    return parseDouyinUrl(url);
  }

  protected async resolveItem(target: ItemTarget, signal?: AbortSignal): Promise<ResolvedMedia> {
    const what = `Douyin ${target.kind} ${target.id}`;
    const response = await this.client.get(
      new URL(`/share/${target.kind}/${target.id}/`, this.endpoints.baseUrl),
      signal,
    );
    checkAnswer(response, what);
    const data = assignedJson(response.body, 'window._ROUTER_DATA') as DouyinRouterData | undefined;
    const info = Object.values(data?.loaderData ?? {}).find((entry) => entry?.videoInfoRes)?.videoInfoRes;
    if (!info)
      throw new LinkError(
        'unexpected_format',
        `The share page of ${what} has no videoInfoRes in window._ROUTER_DATA; Douyin may have changed its page layout.`,
      );
    const item = info.item_list?.[0];
    if (!item?.aweme_id) throw unavailable(what, info);
    const video = item.video ?? {};
    const playUrl = video.play_addr?.url_list?.[0];
    if (!playUrl) {
      if (item.images?.length)
        throw new LinkError('unsupported_link', `${what} is an image post (图文); it has no video to transcribe.`);
      throw new LinkError('unexpected_format', `${what} has no play address; Douyin may have changed its page layout.`);
    }
    const mediaUrl = playUrl.replace('/playwm/', '/play/');
    return {
      platform: 'douyin',
      videoId: item.aweme_id,
      pageUrl: `${response.url.origin}${response.url.pathname}`,
      mediaUrl,
      watermark: mediaUrl.includes('/playwm/'),
      headers: this.client.downloadHeaders(`${new URL(this.endpoints.baseUrl).origin}/`, response.cookies),
      title: item.desc || null,
      author: {
        username: item.author?.unique_id || item.author?.short_id || null,
        nickname: item.author?.nickname || null,
      },
      duration: video.duration ? video.duration / 1000 : null,
      coverUrl: video.cover?.url_list?.[0] ?? video.origin_cover?.url_list?.[0] ?? null,
    };
  }
}

/** Why the page has no post: the `filter_list` entry says deleted, private, region or login. */
function unavailable(what: string, info: DouyinItemInfo): LinkError {
  const filter = info.filter_list?.[0];
  const reason = [filter?.filter_reason, filter?.detail_msg].filter(Boolean).join(': ');
  const said = reason ? ` (“${reason}”)` : '';
  if (/region|地区|国家/i.test(reason))
    return new LinkError(
      'region_blocked',
      `${what} is not available in this server's region${said}. Set DOUYIN_PROXY to a proxy in mainland China.`,
    );
  if (/login|登录/i.test(reason))
    return new LinkError('login_required', `${what} is shown to logged-in users only${said}. Set DOUYIN_COOKIE.`);
  return new LinkError('not_found', `${what} is deleted or private${said}.`);
}
