import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** A short, stable, non-secret id of an API key (for per-key limits and task ownership). */
export function apiKeyId(key: string): string {
  return digest(key).toString('hex').slice(0, 16);
}

/**
 * Finds which configured key a presented key is, comparing SHA-256 digests in constant time and
 * always against every key, so timing reveals neither the key nor which one matched.
 * @returns the matching key, or null
 */
export function matchApiKey(presented: string, keys: readonly string[]): string | null {
  const given = digest(presented);
  let match: string | null = null;
  for (const key of keys) if (timingSafeEqual(given, digest(key)) && match === null) match = key;
  return match;
}

/** The key of an `Authorization: Bearer <key>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
