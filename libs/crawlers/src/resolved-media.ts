/** Platforms whose share links Hark resolves. */
export const PLATFORMS = ['tiktok', 'douyin'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Display names, for messages. */
export const PLATFORM_NAMES: Readonly<Record<Platform, string>> = { tiktok: 'TikTok', douyin: 'Douyin' };

/** What a share link points at, read from the link alone (no network). */
export type LinkTarget =
  /** A post, by its id. `kind` is the platform's post type: a video, or a Douyin note (图文/视频笔记). */
  | { type: 'item'; id: string; kind: 'video' | 'note'; username: string | null }
  /** A short link (vm.tiktok.com, v.douyin.com, …) that redirects to the post. */
  | { type: 'short' };

/** A link target that names the post itself. */
export type ItemTarget = Extract<LinkTarget, { type: 'item' }>;

/** A share link found in user input. */
export interface ShareLink {
  platform: Platform;
  /** The link as found, normalized to an absolute https URL. */
  url: string;
  target: LinkTarget;
}

/**
 * A share link resolved to a downloadable media file and the post's metadata. Media URLs are
 * signed by the platform and expire (hours), so resolve shortly before downloading.
 */
export interface ResolvedMedia {
  platform: Platform;
  /** The post id on the platform (TikTok item id, Douyin aweme_id). */
  videoId: string;
  /** The post's public page. */
  pageUrl: string;
  /** The media file: the platform's play address, without watermark where the platform offers one. */
  mediaUrl: string;
  /** Whether `mediaUrl` is the watermarked rendition (used only when no other is offered). */
  watermark: boolean;
  /** Request headers the media download needs (User-Agent, Referer, and the cookies the page set). */
  headers: Record<string, string>;
  /** The post's caption, or null. */
  title: string | null;
  author: { username: string | null; nickname: string | null };
  /** Seconds, as the platform states it, or null. */
  duration: number | null;
  coverUrl: string | null;
}

/** Turns a share link into media. One implementation per platform. */
export interface LinkResolver {
  readonly platform: Platform;
  /**
   * Reads a platform link (no network).
   * @returns the target, or null when the URL is not a post or short link of this platform
   */
  parse(url: URL): LinkTarget | null;
  /**
   * Resolves a link of this platform (following short-link redirects) to its media.
   * @throws LinkError classified by cause
   */
  resolve(link: ShareLink, signal?: AbortSignal): Promise<ResolvedMedia>;
}
