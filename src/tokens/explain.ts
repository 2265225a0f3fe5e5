// Turns whatever the AWS SDK threw into one line a person can act on: what happened, and the exact next
// command. The Go helper hides all of these behind "credentials not found"; this is the opposite.
import { TokenFetchError, type ErrorCategory } from '../platform/errors';
import type { Registry } from '../registry/host';

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
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);
const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL)/;

/** AWS's own message, shortened and stripped of anything that could drive a terminal. */
function awsMessage(error: ErrorLike): string {
  const text = typeof error.message === 'string' ? error.message : '';
  return text.replace(/[^\x20-\x7e]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** The API a registry's tokens come from, as messages name it. */
export function apiName(registry: Registry, api?: string): string {
  return api ?? (registry.kind === 'ecr' ? 'ECR API' : 'ECR Public API');
}

function loginCommand(context: FetchContext): string {
  return context.profile ? `aws sso login --profile ${context.profile}` : 'aws sso login';
}

/** Classifies an SDK error; exported for `doctor`, which shows the same advice. */
export function classify(error: unknown, context: FetchContext): { category: ErrorCategory; cause: string; hint: string } {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : typeof e.Code === 'string' ? e.Code : '';
  const message = awsMessage(e);
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const isPublic = context.registry.kind === 'ecr-public';
  const profileFlag = context.profile ? ` --profile ${context.profile}` : '';

  // Only errors without an HTTP status: those come from the credential chain. A service's answer can name SSO
  // too (an AccessDenied for role AWSReservedSSO_..., which also names GetAuthorizationToken) and is no session problem.
  // "UnauthorizedException: Session token not found or invalid" is the SSO portal refusing a revoked session.
  if (status === undefined && ((/\bsso\b/i.test(message) && /(expired|invalid|refresh|sso login|token)/i.test(message)) || /UnauthorizedException: Session token not found or invalid/.test(message))) {
    return { category: 'sso-expired', cause: 'the AWS SSO session has expired or was never started', hint: `run \`${loginCommand(context)}\`` };
  }
  if (name === 'CaBundleError') {
    return { category: 'config', cause: message, hint: 'point AWS_CA_BUNDLE at a readable PEM file of CA certificates, or unset it' };
  }
  if (/Profile .* (could not be found|not found)|could not be found or parsed/i.test(message)) {
    return {
      category: 'profile-not-found',
      cause: `AWS profile ${context.profile ?? '(default)'} was not found in the AWS config files`,
      hint: `check AWS_PROFILE and ~/.aws/config, or create it with \`aws configure${profileFlag}\``,
    };
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return {
      category: 'no-credentials',
      cause: 'no AWS credentials were found (environment, profile, SSO, web identity, container or instance role)',
      hint: 'run `aws configure` or `aws sso login`, or set AWS_PROFILE',
    };
  }
  if (/ExpiredToken|RequestExpired/i.test(name) || /security token included in the request is expired|token has expired/i.test(message)) {
    return {
      category: 'expired-credentials',
      cause: `the AWS credentials (${context.identityLabel}) have expired`,
      hint: context.profile
        ? `refresh them: \`${loginCommand(context)}\` for SSO, or renew the session behind profile ${context.profile}`
        : 'refresh them: renew AWS_SESSION_TOKEN and its keys, or unset them to use a profile',
    };
  }
  if (/UnrecognizedClient|InvalidClientTokenId|InvalidAccessKeyId/i.test(name) || /security token included in the request is invalid/i.test(message)) {
    return {
      category: 'invalid-credentials',
      cause: `AWS does not recognise the credentials (${context.identityLabel})`,
      hint: `check the access key, or run \`aws configure${profileFlag}\``,
    };
  }
  if (/InvalidSignature|SignatureDoesNotMatch/i.test(name) && /(expired|not yet current|time)/i.test(message)) {
    return { category: 'clock-skew', cause: "this machine's clock is off, so AWS rejects the request signature", hint: 'sync the clock (`timedatectl set-ntp true`, or `chronyc makestep`)' };
  }
  if (/InvalidSignature|SignatureDoesNotMatch/i.test(name)) {
    return {
      category: 'invalid-credentials',
      cause: `AWS rejects the request signature: the secret access key does not belong to the access key ID (${context.identityLabel})`,
      hint: `check the secret access key, or run \`aws configure${profileFlag}\``,
    };
  }
  // An HTTP error with no AWS error code at all: something else answered (a proxy's or firewall's refusal page,
  // a captive portal). Not "access denied": IAM was never asked.
  if (status !== undefined && (name === 'Unknown' || name === 'UnknownError') && (message === '' || message === 'Unknown' || message === 'UnknownError')) {
    return {
      category: 'not-aws',
      cause: `the answer from the ${apiName(context.registry, context.api)} endpoint is not from AWS (HTTP ${status} without an AWS error: a proxy or firewall refusing the request?)`,
      hint: 'check that the proxy or firewall lets this endpoint through; in a VPC without internet access, it needs a VPC endpoint',
    };
  }
  if (/AccessDenied|Forbidden/i.test(name) || status === 403) {
    const actions = context.actions ?? (isPublic ? 'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken' : 'ecr:GetAuthorizationToken');
    // The denied action is named in AWS's message; it is another one when a configured role cannot be assumed.
    const denied = /not authorized to perform:? ([a-z0-9-]+:[A-Za-z]+)/.exec(message)?.[1];
    const needed = denied && !actions.includes(denied) ? `${denied}${denied === 'sts:AssumeRole' ? " (and the role's trust policy must allow it)" : ''}` : actions;
    return {
      category: 'access-denied',
      cause: `access denied${message ? ` (${message})` : ''}`,
      hint: `the identity (${context.identityLabel}) needs IAM permission ${needed}`,
    };
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name) || status === 429) {
    return { category: 'throttled', cause: 'AWS throttled the token request, even after retries', hint: 'retry in a few seconds; many parallel pulls share one cached token once it is fetched' };
  }
  const cause = e.cause as ErrorLike | undefined;
  const netCode = NETWORK_CODES.has(code) ? code : typeof cause?.code === 'string' && NETWORK_CODES.has(cause.code) ? cause.code : '';
  if (netCode) {
    return {
      category: 'unreachable',
      cause: `cannot reach the ${apiName(context.registry, context.api)} endpoint (${netCode})`,
      hint: 'check the network; behind a proxy set HTTPS_PROXY (and NO_PROXY for local hosts)',
    };
  }
  if (TLS_CODES.test(code)) {
    return { category: 'unreachable', cause: `TLS to the ${apiName(context.registry, context.api)} endpoint failed (${code})`, hint: 'behind a TLS-inspecting proxy, point AWS_CA_BUNDLE at its CA certificate' };
  }
  if (name === 'TimeoutError' || name === 'AbortError' || /timed? ?out|timeout/i.test(message)) {
    return { category: 'timeout', cause: `the ${apiName(context.registry, context.api)} did not answer in time`, hint: 'check the network or proxy; DOCKER_CREDENTIAL_ECR_TIMEOUT_MS raises the limit' };
  }
  if (status !== undefined && status >= 500) {
    return { category: 'server-error', cause: `AWS answered with an error (HTTP ${status}), even after retries`, hint: 'retry shortly; see https://health.aws.amazon.com' };
  }
  if (/Deserialization|Unexpected token|JSON|BadResponse/i.test(`${name} ${message}`)) {
    return { category: 'bad-response', cause: `the ${apiName(context.registry, context.api)} sent a response that is not a token`, hint: 'if AWS_ENDPOINT_URL_ECR or a proxy is set, check what answers there' };
  }
  return { category: 'unknown', cause: `${name || 'error'}${message ? `: ${message}` : ''}`, hint: 'run with DOCKER_CREDENTIAL_ECR_LOG=debug for details' };
}

export function explain(error: unknown, context: FetchContext): TokenFetchError {
  if (error instanceof TokenFetchError) return error;
  const { category, cause, hint } = classify(error, context);
  const registry = context.registry;
  const host = context.requestedHost && context.requestedHost !== registry.host ? `${context.requestedHost} (${registry.host})` : registry.host;
  return new TokenFetchError(`${host}: no token from the ${apiName(registry)} in ${registry.region} as ${context.identityLabel}: ${cause}`, hint, category);
}
