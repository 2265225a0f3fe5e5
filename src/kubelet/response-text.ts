// The CredentialProviderResponse's text, with no error class in it: a cache hit writes it before the CLI loads
// (fast-hit.ts), and what a hit's first chunk holds is evaluated on every run. response.ts throws on a problem.
//
// The kubelet decodes strictly (unknown fields make it discard the answer), requires apiVersion to equal the
// request's, and caches whatever it gets for cacheDuration, an empty `auth` included. So the shape is fixed here
// and an answer without usable credentials is refused before it can be cached.
import { safeJson } from '../platform/terminal-text';
import { refreshMargin, type Token } from '../cache/policy';
import { larger } from '../platform/numbers';
import { formatGoDuration } from './go-duration';
import { KUBELET_API_VERSIONS, type KubeletApiVersion } from './names';

export const RESPONSE_KIND = 'CredentialProviderResponse';

/** Registry: one ECR token serves every repository of a registry, so one cache entry per host[:port] suffices. */
export const CACHE_KEY_TYPE = 'Registry';

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
  larger(0, token.expiresAt - refreshMargin(token) - now);

/** Why `input` must not be sent (never the password itself); undefined when it may. */
export function kubeletResponseProblem(input: KubeletResponseInput): string | undefined {
  const { apiVersion, authKey, username, password } = input;
  if (KUBELET_API_VERSIONS.indexOf(apiVersion) < 0)
    return `apiVersion ${JSON.stringify(apiVersion)} is not one the kubelet speaks`;
  if (typeof authKey !== 'string' || authKey === '') return 'refusing to answer with an empty auth key';
  if (typeof username !== 'string' || username === '') return 'refusing to answer with an empty username';
  if (typeof password !== 'string' || password === '') return 'refusing to answer with an empty password';
  return undefined;
}

/** The response for an input kubeletResponseProblem() lets through (formatGoDuration throws on a duration that is not finite). */
export function kubeletResponseText(input: KubeletResponseInput): string {
  const { apiVersion, authKey, username, password, cacheDurationMs } = input;
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
