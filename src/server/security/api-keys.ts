import { createHash } from 'node:crypto';

/** A client key's public id: `key_` + first 12 hex chars of its SHA-256. Safe for logs, metrics, records. */
export function apiKeyId(key: string): string {
  return 'key_' + createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** `SWITCHYARD_API_KEYS="k1, k2"` → ['k1', 'k2'] (blank entries dropped). */
export function parseApiKeys(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

/**
 * The configured client keys, held only as SHA-256 digests. Lookups hash the candidate first, so the
 * comparison time does not depend on how many leading characters of a real key an attacker guessed.
 */
export class KeyRing {
  private readonly ids = new Map<string, string>();

  constructor(keys: Iterable<string>) {
    for (const key of keys) this.ids.set(digest(key), apiKeyId(key));
  }

  get enabled(): boolean {
    return this.ids.size > 0;
  }

  /** The key id when `candidate` is a configured key, else null. */
  lookup(candidate: string): string | null {
    return this.ids.get(digest(candidate)) ?? null;
  }
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64');
}
