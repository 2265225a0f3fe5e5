// The CredentialProviderResponse written to stdout. Pure: no I/O, no AWS.
//
// The kubelet decodes strictly (unknown fields make it discard the answer), requires apiVersion to equal the
// request's, and caches whatever it gets for cacheDuration, an empty `auth` included. So the shape is fixed here
// and an answer without usable credentials is refused before it can be cached.
import { safeJson } from '../platform/terminal-text';
import { refreshMargin, type Token } from '../cache/policy';
import { HelperError } from '../platform/errors';
import { formatGoDuration } from './go-duration';
import { KUBELET_API_VERSIONS, type KubeletApiVersion } from './names';

export const RESPONSE_KIND = 'CredentialProviderResponse';

/** Registry: one ECR token serves every repository of a registry, so one cache entry per host[:port] suffices. */
export const CACHE_KEY_TYPE = 'Registry';

/** A response we refuse to send; `message` never carries the password. */
export class KubeletResponseError extends HelperError {
  override name = 'KubeletResponseError';
}

export interface KubeletResponseInput {
  apiVersion: KubeletApiVersion;
  /** From authKeyFor(): must match the request's image under the kubelet's rules, or the kubelet ignores it. */
  authKey: string;
  username: string;
  password: string;
  /** How long the kubelet may reuse the credentials; truncated to whole seconds, negative means "0s". */
  cacheDurationMs: number;
}

/** The kubelet must stop using the token when our own cache would: then the next request gets a fresh one. */
export const cacheDurationFor = (token: Pick<Token, 'expiresAt' | 'fetchedAt'>, now: number): number =>
  Math.max(0, token.expiresAt - refreshMargin(token) - now);

export function encodeKubeletResponse(input: KubeletResponseInput): string {
  const { apiVersion, authKey, username, password, cacheDurationMs } = input;
  if (!(KUBELET_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw new KubeletResponseError(`apiVersion ${JSON.stringify(apiVersion)} is not one the kubelet speaks`);
  }
  if (typeof authKey !== 'string' || authKey === '')
    throw new KubeletResponseError('refusing to answer with an empty auth key');
  if (typeof username !== 'string' || username === '')
    throw new KubeletResponseError('refusing to answer with an empty username');
  if (typeof password !== 'string' || password === '')
    throw new KubeletResponseError('refusing to answer with an empty password');
  const cacheDuration = formatGoDuration(cacheDurationMs);
  // Key order matches the kubelet's own fixtures; the computed key keeps a "__proto__" auth key a plain property.
  const response = {
    kind: RESPONSE_KIND,
    apiVersion,
    cacheKeyType: CACHE_KEY_TYPE,
    cacheDuration,
    auth: { [authKey]: { username, password } },
  };
  return `${safeJson(response)}\n`;
}

/**
 * The auth key for cacheKeyType Registry: `host` or `host:port`, no scheme, no path. The kubelet requires equal
 * ports (a key without one does not match an image with one) and the same number of host labels, so the key is
 * the image's own host and port, spelled as the image spells them.
 */
export function authKeyFor(host: string, port?: number): string {
  if (host === '' || /[\s/:@]/.test(host)) throw new KubeletResponseError(`${JSON.stringify(host)} is not a host name`);
  if (port === undefined) return host;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new KubeletResponseError(`port ${port} is out of range`);
  return `${host}:${port}`;
}
