// A failed call as the words for it (explain.ts and its families, explain-*.ts) see it: what was thrown, read
// once (its name, code, AWS's message, HTTP status, the proxy it went through), and the call it came from.
import type { ErrorCategory } from '../platform/errors';
import type { Registry } from '../registry/host';
import type { Env } from '../platform/settings';
import type { SsoSession } from './explain-sso';
import { proxyRouteOf, type ProxyRoute } from './proxy-route';

export interface FetchContext {
  registry: Registry;
  /** The registry Docker asked about, when it differs from `registry` (a custom host name). */
  requestedHost?: string;
  identityLabel: string;
  profile?: string;
  /** The API that was called, when it is not the registry's token API (`doctor` and `configure` call STS). */
  api?: string;
  /** The IAM action(s) of that API, when `api` is set: an access-denied fix names the action that failed. */
  actions?: string;
  /**
   * The call needs no IAM permission at all (STS GetCallerIdentity: an explicit deny does not stop it), so a
   * refusal is never "add a permission": the credentials are not accepted, or the answer is not from AWS.
   */
  needsNoPermission?: boolean;
  /** The endpoint's host, for a network failure whose error does not name it. */
  endpointHost?: string;
  /** The SSO session behind the profile, if any (explain-sso.ts), and the environment its proxy came from. */
  sso?: SsoSession;
  env?: Env;
}

/** What a person reads: the category (for the cache's shared failures), the cause and the next command. */
export interface Explanation {
  category: ErrorCategory;
  cause: string;
  hint: string;
}

export interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  connectStatus?: unknown;
}

export interface Failure {
  error: ErrorLike;
  name: string;
  code: string;
  /** AWS's own message, shortened and stripped of anything that could drive a terminal. */
  message: string;
  status: number | undefined;
  route: ProxyRoute | undefined;
  /** " through the proxy ... (from VARIABLE)", or nothing. */
  via: string;
  /** The API as messages name it. */
  api: string;
  context: FetchContext;
}

/** The API a registry's tokens come from, as messages name it. */
export function apiName(registry: Registry, api?: string): string {
  return api ?? (registry.kind === 'ecr' ? 'ECR API' : 'ECR Public API');
}

export function failureOf(error: unknown, context: FetchContext): Failure {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const text = typeof e.message === 'string' ? e.message : '';
  const route = proxyRouteOf(error);
  return {
    error: e,
    name: typeof e.name === 'string' ? e.name : '',
    code: typeof e.code === 'string' ? e.code : typeof e.Code === 'string' ? e.Code : '',
    message: text.replace(/[^\x20-\x7e]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300),
    status: typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined,
    route,
    via: route ? ` through the proxy ${route.proxy} (from ${route.variable})` : '',
    api: apiName(context.registry, context.api),
    context,
  };
}
