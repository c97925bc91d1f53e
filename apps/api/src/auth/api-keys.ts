import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '@app/config';
import { HarkError } from '@app/errors';
import type { Principal } from './principal';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Finds which configured key a presented secret is, comparing SHA-256 digests in constant time and
 * always against every key, so timing reveals neither the secret nor which key matched.
 * @returns the matching key, or null
 */
export function matchApiKey(presented: string, keys: readonly ApiKey[]): ApiKey | null {
  const given = digest(presented);
  let match: ApiKey | null = null;
  for (const key of keys) if (timingSafeEqual(given, digest(key.secret)) && match === null) match = key;
  return match;
}

/** The key of an `Authorization: Bearer <key>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}

/**
 * Who an `Authorization` header says the client is.
 * @returns the key's principal; undefined when no keys are configured (the service is open)
 * @throws HarkError `invalid_api_key` (401) when keys are configured and the header has none of them
 */
export function authenticate(authorization: string | undefined, keys: readonly ApiKey[]): Principal | undefined {
  if (!keys.length) return undefined;
  const token = bearerToken(authorization);
  const key = token ? matchApiKey(token, keys) : null;
  if (!key) {
    throw new HarkError(
      'invalid_api_key',
      token
        ? 'Invalid API key: it is not one of this server\'s keys. Send a valid key as "Authorization: Bearer <key>" (the server\'s operator gives them out).'
        : 'Missing API key: send it as "Authorization: Bearer <key>".',
    );
  }
  return { name: key.name, id: key.id, admin: key.admin };
}
