// When a cached token may be served. Pure: the clock is a parameter.
import { larger, smaller } from '../platform/numbers';

/** A token as the registry takes it, with the instants that decide its freshness (epoch milliseconds). */
export interface Token {
  username: string;
  password: string;
  expiresAt: number;
  fetchedAt: number;
}

/** Whether a value read from a file is a Token. */
export function isToken(value: unknown): value is Token {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.username === 'string' &&
    typeof v.password === 'string' &&
    v.password.length > 0 &&
    typeof v.expiresAt === 'number' &&
    typeof v.fetchedAt === 'number'
  );
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/**
 * How long before expiry a token stops being served: min(15 minutes, half its lifetime). A pull that starts
 * just before expiry needs the token for its whole duration, and short-lived tokens (tests, odd clocks)
 * still get half their life.
 */
export function refreshMargin(token: Pick<Token, 'expiresAt' | 'fetchedAt'>): number {
  const lifetime = larger(0, token.expiresAt - token.fetchedAt);
  return smaller(FIFTEEN_MINUTES, lifetime / 2);
}

export type Freshness = 'fresh' | 'refresh-due' | 'expired';

/**
 * fresh: serve it. refresh-due: fetch a new one, but the old one may still be served if that fails.
 * expired: never serve. A token fetched "in the future" (clock jumped back) is treated as refresh-due.
 */
export function freshness(token: Pick<Token, 'expiresAt' | 'fetchedAt'>, now: number): Freshness {
  if (now >= token.expiresAt) return 'expired';
  if (now < token.fetchedAt) return 'refresh-due';
  return now < token.expiresAt - refreshMargin(token) ? 'fresh' : 'refresh-due';
}
