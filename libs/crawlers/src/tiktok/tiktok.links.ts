import type { LinkTarget } from '../resolved-media';

const SHORT_LINK_HOSTS = new Set(['vm.tiktok.com', 'vt.tiktok.com']);

/**
 * Reads a TikTok link: `www.tiktok.com/@user/video/<id>`, `m.tiktok.com/v/<id>(.html)`, and the
 * short links `vm.tiktok.com/<code>`, `vt.tiktok.com/<code>`, `www.tiktok.com/t/<code>`.
 * @returns null for any other URL (profiles, photo posts, live rooms, other sites)
 */
export function parseTikTokUrl(url: URL): LinkTarget | null {
  const host = url.hostname.toLowerCase();
  if (host !== 'tiktok.com' && !host.endsWith('.tiktok.com')) return null;
  const path = url.pathname;
  if (SHORT_LINK_HOSTS.has(host)) return /^\/[A-Za-z0-9]+\/?$/.test(path) ? { type: 'short' } : null;
  if (/^\/t\/[A-Za-z0-9]+\/?$/.test(path)) return { type: 'short' };
  const video = /^\/@([\w.-]*)\/video\/(\d{6,25})\/?$/.exec(path);
  if (video) return { type: 'item', id: video[2], kind: 'video', username: video[1] || null };
  const mobile = /^\/v\/(\d{6,25})(\.html)?\/?$/.exec(path);
  if (mobile) return { type: 'item', id: mobile[1], kind: 'video', username: null };
  return null;
}
