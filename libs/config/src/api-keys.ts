import { createHash } from 'node:crypto';

/** An API key as configured: who it is (`name`), what it proves (`secret`), and whether it sees every task. */
export interface ApiKey {
  /** Unique among all keys; recorded on the tasks the key creates (their owner) and used for its limits. */
  readonly name: string;
  readonly secret: string;
  /** A short, stable, non-secret id of the secret (a SHA-256 prefix). */
  readonly id: string;
  /** From ADMIN_API_KEYS: sees and manages every task. */
  readonly admin: boolean;
}

/** What a key name may be: 1–64 letters, digits, `.`, `_` or `-`. */
export const API_KEY_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** The variables that hold API keys; their values are never shown in errors or logs. */
export const API_KEY_VARIABLES = ['API_KEYS', 'ADMIN_API_KEYS'] as const;
export type ApiKeyVariable = (typeof API_KEY_VARIABLES)[number];

/** A short, stable, non-secret id of an API key's secret (for rows written before tasks recorded key names). */
export function apiKeyId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/** A problem of a key variable; the message never quotes a secret. */
export interface ApiKeyProblem {
  variable: ApiKeyVariable;
  message: string;
}

/**
 * Reads one key variable: comma-separated `name:secret` pairs (split at the first `:`), or bare
 * secrets, which get the name `key-<id>` (so deployments from before key names keep working).
 * Problems name the entry by its position, never by its text (an unreadable entry may be a secret).
 */
export function parseApiKeys(text: string, variable: ApiKeyVariable): { keys: ApiKey[]; problems: string[] } {
  const admin = variable === 'ADMIN_API_KEYS';
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  text
    .split(',')
    .map((entry) => entry.trim())
    .forEach((entry, index) => {
      if (!entry) return;
      const colon = entry.indexOf(':');
      const secret = (colon < 0 ? entry : entry.slice(colon + 1)).trim();
      const id = apiKeyId(secret);
      const name = colon < 0 ? `key-${id}` : entry.slice(0, colon).trim();
      const where = `entry ${index + 1}`;
      if (!API_KEY_NAME.test(name)) {
        problems.push(
          `${where}: the name before ':' must be 1–64 letters, digits, '.', '_' or '-' (write name:secret, or the secret alone)`,
        );
      } else if (!secret) {
        problems.push(`${where} (${name}) has an empty secret`);
      } else keys.push({ name, secret, id, admin });
    });
  return { keys, problems };
}

/**
 * Every configured key, API_KEYS then ADMIN_API_KEYS, with the problems of both lists: bad entries,
 * a name given twice, a secret given twice (within a list or across both).
 */
export function readApiKeys(env: Record<ApiKeyVariable, string>): { keys: ApiKey[]; problems: ApiKeyProblem[] } {
  const keys: ApiKey[] = [];
  const problems: ApiKeyProblem[] = [];
  for (const variable of API_KEY_VARIABLES) {
    const parsed = parseApiKeys(env[variable], variable);
    problems.push(...parsed.problems.map((message) => ({ variable, message })));
    for (const key of parsed.keys) {
      const other = keys.find((known) => known.name === key.name || known.secret === key.secret);
      if (!other) keys.push(key);
      else if (other.name === key.name)
        problems.push({ variable, message: `the name "${key.name}" is given twice; every key needs its own name` });
      else
        problems.push({
          variable,
          message: `the keys "${other.name}" and "${key.name}" have the same secret; give each key its own secret`,
        });
    }
  }
  return { keys, problems };
}
