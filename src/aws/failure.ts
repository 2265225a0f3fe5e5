// A failed call as the words for it (explain.ts and its families, explain-*.ts) see it: what was thrown, read
// once (its name, code, AWS's message, HTTP status, the proxy it went through), and the call it came from.
import type { ErrorCategory } from '../platform/errors';
import type { Env } from '../platform/settings';
import type { SsoSession } from './explain-sso';
import { proxyRouteOf, type ProxyRoute } from './proxy-route';

/**
 * The call that failed, as its words need it: which API, what it needs from IAM, which variable points it
 * elsewhere. Nothing here is a registry: STS (caller-identity.ts) is described as itself.
 */
export interface ApiCall {
  /** The API as messages name it: "ECR API", "ECR Public API", "STS API". */
  api: string;
  /**
   * The IAM action(s) the call needs, which an access-denied fix names. Absent: it needs no IAM permission at all
   * (STS GetCallerIdentity: an explicit deny does not stop it), so a refusal is never "add a permission": the
   * credentials are not accepted, or the answer is not from AWS.
   */
  actions?: string;
  /** The variable that sends the call to another endpoint, named when what answered there is not the API. */
  endpointVariable: string;
  /** The endpoint's host, for a network failure whose error does not name it. */
  endpointHost?: string;
}

export interface ClassifyContext {
  call: ApiCall;
  /** Who made the call, as a person names it ("profile dev"): never a secret. */
  identityLabel: string;
  profile?: string;
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
  context: ClassifyContext;
}

export function failureOf(error: unknown, context: ClassifyContext): Failure {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const text = typeof e.message === 'string' ? e.message : '';
  const route = proxyRouteOf(error);
  return {
    error: e,
    name: typeof e.name === 'string' ? e.name : '',
    code: typeof e.code === 'string' ? e.code : typeof e.Code === 'string' ? e.Code : '',
    message: text
      .replace(/[^\x20-\x7e]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 300),
    status: typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined,
    route,
    via: route ? ` through the proxy ${route.proxy} (from ${route.variable})` : '',
    api: context.call.api,
    context,
  };
}
