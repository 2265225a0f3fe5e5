// Who a kubelet service-account token speaks for. Pure: no I/O, no AWS.
//
// The token is decoded, not verified: the kubelet obtained it from the API server for this pod a moment ago, and
// STS verifies it again when it is exchanged. What we read from it only keys our cache and names the account in
// messages, so it is checked for shape and self-consistency, and no message ever quotes the token.
import { KubeletRequestError } from './request';

export interface ServiceAccount {
  namespace: string;
  name: string;
  uid: string;
  /** The token's own `exp`, in epoch milliseconds: no answer derived from it outlives it (not even the hit memo's). */
  expiresAt: number;
}

/** Projected tokens are 1-2 KiB; a bound keeps decoding cheap whatever we are handed. */
const MAX_TOKEN_LENGTH = 64 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Kubernetes' own rules: a namespace is a DNS-1123 label, a service-account name a DNS-1123 subdomain. Checking
// them keeps odd characters out of cache keys and messages.
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
// API-server UIDs are UUIDs; allow any hex-and-dash form rather than one UUID version.
const UID = /^[0-9a-fA-F-]{1,64}$/;

/**
 * `now`: epoch milliseconds. An expired token is refused here, before the cache: its claims are all the key knows,
 * so an expired (or forged, expired) token with a genuine token's claims would otherwise be served that token's
 * answer without STS ever seeing it. A token without `exp` is refused for the same reason: the kubelet's
 * service-account tokens are bound tokens (TokenRequest), which always carry one.
 */
export function serviceAccountFromToken(jwt: string, now: number): ServiceAccount {
  if (typeof jwt !== 'string' || jwt === '') throw new KubeletRequestError('service-account token is empty');
  if (jwt.length > MAX_TOKEN_LENGTH) throw new KubeletRequestError('service-account token is larger than 64 KiB');
  const parts = jwt.split('.');
  if (parts.length !== 3 || !BASE64URL.test(parts[0]) || !BASE64URL.test(parts[1])) {
    throw new KubeletRequestError('service-account token is not a JWT (header.payload.signature in base64url)');
  }
  if (!isObject(decodeSegment(parts[0])))
    throw new KubeletRequestError('service-account token header is not a JSON object');
  const payload = decodeSegment(parts[1]);
  if (!isObject(payload)) throw new KubeletRequestError('service-account token payload is not a JSON object');

  const claim = payload['kubernetes.io'];
  if (!isObject(claim))
    throw new KubeletRequestError(
      'service-account token has no kubernetes.io claim; is it a projected service-account token?',
    );
  const namespace = claim['namespace'];
  const account = claim['serviceaccount'];
  const name = isObject(account) ? account['name'] : undefined;
  const uid = isObject(account) ? account['uid'] : undefined;
  if (typeof namespace !== 'string' || namespace === '')
    throw new KubeletRequestError('service-account token has no kubernetes.io namespace');
  if (typeof name !== 'string' || name === '')
    throw new KubeletRequestError('service-account token has no kubernetes.io serviceaccount name');
  if (typeof uid !== 'string' || uid === '')
    throw new KubeletRequestError('service-account token has no kubernetes.io serviceaccount uid');
  if (namespace.length > 63 || !DNS_LABEL.test(namespace))
    throw new KubeletRequestError('service-account token namespace is not a valid namespace name');
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name))
    throw new KubeletRequestError('service-account token serviceaccount name is not a valid name');
  if (!UID.test(uid)) throw new KubeletRequestError('service-account token serviceaccount uid is not a UID');

  // A trust policy conditions on `sub`; if it disagreed with the claim we would cache under one account and
  // authenticate as another.
  const sub = payload['sub'];
  if (sub !== undefined && sub !== `system:serviceaccount:${namespace}:${name}`) {
    throw new KubeletRequestError(
      `service-account token sub does not name the kubernetes.io claim's account ${namespace}/${name}`,
    );
  }
  const exp = payload['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    throw new KubeletRequestError(
      `service-account token of ${namespace}/${name} has no exp claim; the kubelet sends bound tokens, which always have one`,
    );
  if (exp * 1000 <= now)
    throw new KubeletRequestError(
      `service-account token of ${namespace}/${name} expired at ${isoTime(exp * 1000)}; the kubelet sends a fresh one (is this node's clock right?)`,
    );
  return { namespace, name, uid, expiresAt: exp * 1000 };
}

const isoTime = (ms: number): string => (Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms));

function decodeSegment(segment: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(segment, 'base64url')));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
