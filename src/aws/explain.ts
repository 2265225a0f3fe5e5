// Turns whatever the AWS SDK threw into one line a person can act on: what happened, and the exact next
// command. The Go helper hides all of these behind "credentials not found"; this is the opposite. The families
// are tried in an order where the more specific answer wins: our own errors, the SSO provider's (explain-sso.ts),
// the credentials' (explain-credentials.ts), a service's refusal, the network's (explain-network.ts), then a
// service's error (explain-answer.ts).
import { TokenFetchError, type ErrorCategory } from '../platform/errors';
import { classifySso } from './explain-sso';
import { credentialsFailure } from './explain-credentials';
import { networkFailure, proxyRefusal } from './explain-network';
import { refusal, serverFailure } from './explain-answer';
import { failureOf, type ApiCall, type ClassifyContext, type Explanation } from './failure';
import type { Registry } from '../registry/host';
import type { SsoSession } from './explain-sso';
import type { Env } from '../platform/settings';

export type { ApiCall, ClassifyContext } from './failure';

/** A registry's token request that failed. */
export interface FetchContext {
  registry: Registry;
  /** The registry Docker asked about, when it differs from `registry` (a custom host name). */
  requestedHost?: string;
  identityLabel: string;
  profile?: string;
  /** The SSO session behind the profile, if any (explain-sso.ts), and the environment its proxy came from. */
  sso?: SsoSession;
  env?: Env;
}

/** The token API a registry's tokens come from. */
export function tokenCall(registry: Registry): ApiCall {
  return registry.kind === 'ecr'
    ? { api: 'ECR API', actions: 'ecr:GetAuthorizationToken', endpointVariable: 'AWS_ENDPOINT_URL_ECR' }
    : {
        api: 'ECR Public API',
        actions: 'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken',
        endpointVariable: 'AWS_ENDPOINT_URL_ECR_PUBLIC',
      };
}

/** The API a registry's tokens come from, as messages name it. */
export const apiName = (registry: Registry): string => tokenCall(registry).api;

/** Classifies an SDK error from any call; exported for `doctor` and `configure`, which show the same advice. */
export function classify(error: unknown, context: ClassifyContext): Explanation {
  const failure = failureOf(error, context);
  const { name, message, status } = failure;
  return (
    proxyRefusal(failure) ??
    ourOwn(name, message) ??
    // The SSO provider's failures, wrapped by the SDK into a message: named as SSO (portal, network cause, session).
    (status === undefined ? classifySso(name, message, context.sso, context.env ?? {}) : undefined) ??
    credentialsFailure(failure) ??
    refusal(failure) ??
    networkFailure(failure) ??
    serverFailure(failure) ?? {
      category: 'unknown',
      cause: `${name || 'error'}${message ? `: ${message}` : ''}`,
      hint: 'run with DOCKER_CREDENTIAL_ECR_LOG=debug for details',
    }
  );
}

/** Errors we raise ourselves before the SDK sends anything; their messages name the setting. */
function ourOwn(name: string, message: string): Explanation | undefined {
  // A file the SDK would have read for us (aws/sdk-files.ts) is not one.
  if (name === 'UnreadableFileError')
    return {
      category: 'config',
      cause: message,
      hint: 'make it a regular file of its usual size, or point the setting that names it elsewhere',
    };
  // AWS_CA_BUNDLE cannot be read (http-handler.ts).
  if (name === 'CaBundleError')
    return {
      category: 'config',
      cause: message,
      hint: 'point AWS_CA_BUNDLE at a readable PEM file of CA certificates, or unset it',
    };
  return undefined;
}

/** A TokenFetchError that also carries its cause alone, for a line that already names the host, API and identity. */
export class ExplainedTokenError extends TokenFetchError {
  override name = 'ExplainedTokenError';
  constructor(
    summary: string,
    hint: string,
    category: ErrorCategory,
    readonly reason: string,
  ) {
    super(summary, hint, category);
  }
}

export function explain(error: unknown, context: FetchContext): TokenFetchError {
  if (error instanceof TokenFetchError) return error;
  const { registry, requestedHost: _, ...who } = context;
  const { category, cause, hint } = classify(error, { ...who, call: tokenCall(registry) });
  const host =
    context.requestedHost && context.requestedHost !== registry.host
      ? `${context.requestedHost} (${registry.host})`
      : registry.host;
  return new ExplainedTokenError(
    `${host}: no token from the ${apiName(registry)} in ${registry.region} as ${context.identityLabel}: ${cause}`,
    hint,
    category,
    cause,
  );
}
