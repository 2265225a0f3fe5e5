// Who a web identity token or a container authorization token speaks for, read from the token itself without a
// network call: these tokens rotate (hourly for GitHub OIDC and Kubernetes projected tokens), the identity they
// carry does not. The cache key takes the claims, so a rotated token for the same subject still hits, and a token
// for another subject (another CI job's role, another service account on a shared cache volume) never does.
import { readRegularText } from '../platform/read-file';
import { sha256Hex } from '../platform/sha256';

/** Projected and OIDC tokens are 1-2 KiB. */
const MAX_TOKEN_BYTES = 64 * 1024;

/** The JSON payload of a JWT (header.payload.signature), decoded, not verified; undefined when it is not one. */
function jwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const claimText = (value: unknown): string =>
  Array.isArray(value) ? value.map(String).sort().join(',') : typeof value === 'string' ? value : '';

/**
 * Cache-key material for a token's holder: issuer, subject and audience of a JWT (what a trust policy looks at);
 * for anything else, a hash of the whole token, so a different token is a different key. Never the token itself.
 */
export function tokenKeyMaterial(token: string): string {
  const claims = jwtPayload(token);
  if (claims && typeof claims.sub === 'string' && claims.sub !== '') {
    return `jwt:${claimText(claims.iss)}|${claims.sub}|${claimText(claims.aud)}`;
  }
  return `sha256:${sha256Hex(token.trim())}`;
}

/** A human name for the token's holder, for labels and `doctor`: the JWT subject, else nothing. */
export function tokenSubject(token: string): string | undefined {
  const sub = jwtPayload(token)?.sub;
  return typeof sub === 'string' && sub !== '' ? sub : undefined;
}

export interface TokenFile {
  /** The token itself (a secret), trimmed, when it could be read. */
  token?: string;
  /** Cache-key material (tokenKeyMaterial), or `unreadable`. */
  keyMaterial: string;
  subject?: string;
  /** Why it could not be read (ENOENT, EACCES, "not a regular file" for a pipe or device, EFBIG). */
  error?: string;
}

export function readTokenFile(path: string): TokenFile {
  let token: string;
  try {
    token = readRegularText(path, { maxBytes: MAX_TOKEN_BYTES, followSymlinks: true }).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { keyMaterial: 'unreadable', error: code === 'ENOTREG' ? 'not a regular file' : code };
  }
  const subject = tokenSubject(token);
  return { token, keyMaterial: tokenKeyMaterial(token), ...(subject ? { subject } : {}) };
}
