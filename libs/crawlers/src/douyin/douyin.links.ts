import type { LinkTarget } from '../resolved-media';

const WEB_HOSTS = new Set(['douyin.com', 'www.douyin.com', 'm.douyin.com', 'iesdouyin.com', 'www.iesdouyin.com']);

/**
 * Reads a Douyin link: `www.douyin.com/video/<id>`, `www.douyin.com/note/<id>`, any douyin.com
 * page with `?modal_id=<id>` (a post opened over a feed or profile), the share pages
 * `www.iesdouyin.com/share/video/<id>` and `…/share/note/<id>`, and short links `v.douyin.com/<code>`.
 * @returns null for any other URL (profiles, live rooms, other sites)
 */
export function parseDouyinUrl(url: URL): LinkTarget | null {
  const host = url.hostname.toLowerCase();
  const path = url.pathname;
  if (host === 'v.douyin.com') return /^\/[A-Za-z0-9_-]+\/?$/.test(path) ? { type: 'short' } : null;
  if (!WEB_HOSTS.has(host)) return null;
  const item = /^(?:\/share)?\/(video|note)\/(\d{6,25})\/?$/.exec(path);
  if (item) return { type: 'item', id: item[2], kind: item[1] as 'video' | 'note', username: null };
  const modal = url.searchParams.get('modal_id');
  if (modal && /^\d{6,25}$/.test(modal)) return { type: 'item', id: modal, kind: 'video', username: null };
  return null;
}
