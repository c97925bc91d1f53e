/** Hosts whose links are share links (README "Share links"): sent as `url`, resolved by the processor. */
const SHARE_HOSTS = /(^|\.)(tiktok\.com|douyin\.com|iesdouyin\.com)$/i;

/**
 * The JSON field for what was pasted: `file_url` for a plain http(s) media URL, `url` for a
 * TikTok/Douyin link or a whole share text (which the API searches for the link).
 */
export function linkField(text: string): 'file_url' | 'url' {
  const trimmed = text.trim();
  if (/\s/.test(trimmed)) return 'url';
  try {
    const parsed = new URL(trimmed);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url';
    return SHARE_HOSTS.test(parsed.hostname) ? 'url' : 'file_url';
  } catch {
    return 'url'; // not a URL on its own: e.g. "v.douyin.com/abc/" without https://
  }
}
