// A cached token as it is stored, one file per cache key, and the check that a file really is one. Apart from the
// store (store.ts) because a cache hit's quick path (fast-hit.ts) reads entries without node:fs.
import { isToken, type Token } from './policy';

export interface CacheEntry extends Token {
  version: 1;
  /** The key's readable description (never a secret). */
  key: string;
  /** Registry hosts this token has served, for `list`. */
  registries: string[];
}

export function isEntry(value: unknown): value is CacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    typeof v.key === 'string' &&
    isToken(v) &&
    Array.isArray(v.registries) &&
    v.registries.every((r) => typeof r === 'string')
  );
}
