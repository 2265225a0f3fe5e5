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
import { apiName, failureOf, type Explanation, type FetchContext } from './failure';

export { apiName, type FetchContext } from './failure';

/** Classifies an SDK error; exported for `doctor`, which shows the same advice. */
export function classify(error: unknown, context: FetchContext): Explanation {
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
    serverFailure(failure) ?? { category: 'unknown', cause: `${name || 'error'}${message ? `: ${message}` : ''}`, hint: 'run with DOCKER_CREDENTIAL_ECR_LOG=debug for details' }
  );
}

/** Errors we raise ourselves before the SDK sends anything; their messages name the setting. */
function ourOwn(name: string, message: string): Explanation | undefined {
  // A file the SDK would have read for us (aws/sdk-files.ts) is not one.
  if (name === 'UnreadableFileError') return { category: 'config', cause: message, hint: 'make it a regular file of its usual size, or point the setting that names it elsewhere' };
  // AWS_CA_BUNDLE cannot be read (http-handler.ts).
  if (name === 'CaBundleError') return { category: 'config', cause: message, hint: 'point AWS_CA_BUNDLE at a readable PEM file of CA certificates, or unset it' };
  return undefined;
}

/** A TokenFetchError that also carries its cause alone, for a line that already names the host, API and identity. */
export class ExplainedTokenError extends TokenFetchError {
  override name = 'ExplainedTokenError';
  constructor(summary: string, hint: string, category: ErrorCategory, readonly reason: string) {
    super(summary, hint, category);
  }
}

export function explain(error: unknown, context: FetchContext): TokenFetchError {
  if (error instanceof TokenFetchError) return error;
  const { category, cause, hint } = classify(error, context);
  const registry = context.registry;
  const host = context.requestedHost && context.requestedHost !== registry.host ? `${context.requestedHost} (${registry.host})` : registry.host;
  return new ExplainedTokenError(`${host}: no token from the ${apiName(registry)} in ${registry.region} as ${context.identityLabel}: ${cause}`, hint, category, cause);
}
