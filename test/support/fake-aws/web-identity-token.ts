// Kubernetes-style service-account tokens (JWTs) for AssumeRoleWithWebIdentity: made for tests, and read by the
// fake's trust check. Never signed or verified: STS's answers depend only on the claims.
import { randomBytes } from 'node:crypto';
import { DEFAULT_OIDC_ISSUER, DEFAULT_WEB_IDENTITY_AUDIENCE } from './constants';

export interface WebIdentityClaims {
  sub?: string;
  aud?: string | string[];
  iss?: string;
  /** Epoch seconds. */
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A JWT shaped like a Kubernetes service-account token (RS256 header, random signature; the fake
 * never verifies it). Defaults: iss DEFAULT_OIDC_ISSUER, aud DEFAULT_WEB_IDENTITY_AUDIENCE, valid for
 * an hour from the local clock. A claim given as undefined is left out.
 */
export function makeWebIdentityToken(claims: WebIdentityClaims = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: DEFAULT_OIDC_ISSUER,
    aud: DEFAULT_WEB_IDENTITY_AUDIENCE,
    iat: now,
    nbf: now,
    exp: now + 3600,
    ...claims,
  };
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'fake-aws', typ: 'JWT' })}.${part(payload)}.${randomBytes(64).toString('base64url')}`;
}

/** The claims of a compact JWS (header.payload.signature, base64url), unverified; undefined when malformed. */
export function decodeWebIdentityToken(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return isObject(header) && typeof header.alg === 'string' && isObject(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}
