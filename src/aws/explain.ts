// Turns whatever the AWS SDK threw into one line a person can act on: what happened, and the exact next
// command. The Go helper hides all of these behind "credentials not found"; this is the opposite.
import { TokenFetchError, type ErrorCategory } from '../platform/errors';
import type { Registry } from '../registry/host';
import { hostOs } from '../platform/host-os';
import type { Env } from '../platform/settings';
import { classifySso, type SsoSession } from './explain-sso';

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

/** Where a request through a proxy went: set by proxy-agent.ts on the request's error (a non-enumerable property). */
export interface ProxyRoute {
  /** The proxy URL with any user and password replaced by `***`. */
  proxy: string;
  /** The environment variable it came from. */
  variable: string;
  /** `host:port` the proxy was asked to reach. */
  target: string;
  /** The proxy's answer to CONNECT, when it was not 200. */
  connectStatus?: number;
}

export const PROXY_ROUTE = Symbol.for('docker-credential-ecr.proxyRoute');
/** The same route on a response that came through the proxy (set on the incoming headers, never sent anywhere). */
export const PROXY_ROUTE_HEADER = 'x-docker-credential-ecr-proxy-route';

function proxyRouteOf(error: unknown): ProxyRoute | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const route = (e as Record<symbol, unknown>)[PROXY_ROUTE];
    if (route) return route as ProxyRoute;
    const header = (e as { $response?: { headers?: Record<string, unknown> } }).$response?.headers?.[PROXY_ROUTE_HEADER];
    if (typeof header === 'string') {
      try {
        return JSON.parse(header) as ProxyRoute;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
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
  const route = proxyRouteOf(error);
  const via = route ? ` through the proxy ${route.proxy} (from ${route.variable})` : '';

  if (route?.connectStatus !== undefined || code === 'EPROXYCONNECT') {
    const target = route?.target ?? context.endpointHost ?? 'the endpoint';
    const status = route?.connectStatus ?? (e as { connectStatus?: unknown }).connectStatus;
    return {
      category: 'unreachable',
      cause: `the proxy ${route?.proxy ?? ''}${route ? ` (from ${route.variable})` : ''} refused to connect to ${target} (HTTP ${String(status)} to CONNECT): not an AWS answer`,
      hint: `have ${target.replace(/:443$/, '')} allowed through the proxy, or reach it directly by adding it to NO_PROXY`,
    };
  }

  // A file the SDK would have read for us (aws/sdk-files.ts) is not one: the message names it.
  if (name === 'UnreadableFileError') return { category: 'config', cause: message, hint: 'make it a regular file of its usual size, or point the setting that names it elsewhere' };
  // The SSO provider's failures, wrapped by the SDK into a message: named as SSO (portal, network cause, session).
  const sso = status === undefined ? classifySso(name, message, context.sso, context.env ?? {}) : undefined;
  if (sso) return sso;

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
  if (/requires multi-factor authentication/i.test(message)) {
    return {
      category: 'mfa-required',
      cause: `profile ${context.profile ?? '(default)'} needs an MFA code (mfa_serial), and none can be asked for here`,
      hint: `run it at a terminal, or put a session in the environment first (AWS CLI v2): ${hostOs.sessionIntoEnvironmentCommand(context.profile)}`,
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
  // The SDK's words for a body that is not the protocol's: under Node "Unexpected token '<'", under Bun "JSON Parse
  // error: Unrecognized token '<'", for STS's XML an `Unknown` error without a message.
  const unparsable = /Deserialization error|JSON Parse error|Unexpected token|Unrecognized token|is not valid JSON|Unexpected end of JSON/i.test(message);
  if (status !== undefined && status >= 300 && (unparsable || ((name === 'Unknown' || name === 'UnknownError') && (message === '' || message === 'Unknown' || message === 'UnknownError')))) {
    return {
      category: 'not-aws',
      cause: `the answer from the ${apiName(context.registry, context.api)} endpoint${route ? ` ${route.target.replace(/:443$/, '')}${via}` : ''} is not from AWS (HTTP ${status} without an AWS error: ${route ? 'the proxy refusing the request?' : 'a proxy or firewall refusing the request?'})`,
      hint: route
        ? `have ${route.target.replace(/:443$/, '')} allowed through the proxy ${route.proxy}, or reach it directly by adding it to NO_PROXY`
        : 'check that the proxy or firewall lets this endpoint through; in a VPC without internet access, it needs a VPC endpoint',
    };
  }
  if ((/AccessDenied|Forbidden/i.test(name) || status === 403) && context.needsNoPermission) {
    return {
      category: 'not-aws',
      cause: `the ${apiName(context.registry, context.api)}${via} refused the call${message ? ` (${message})` : ''}, which needs no IAM permission: the credentials (${context.identityLabel}) are not accepted, or the answer is not from AWS`,
      hint: `check the credentials (\`aws sts get-caller-identity${profileFlag}\` shows whether AWS accepts them), and any proxy or VPC endpoint policy between here and STS`,
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
  const reset = netCode === 'ECONNRESET' || netCode === 'EPIPE' || /socket hang up|socket is closed|connection (was )?reset/i.test(message);
  if (netCode || reset) {
    const host = hostOf(e, message, context, route);
    const endpoint = `the ${apiName(context.registry, context.api)} endpoint${host ? ` ${host}` : ''}`;
    if (route && (netCode === 'ECONNREFUSED' || netCode === 'EHOSTUNREACH' || ((netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN') && host === undefined))) {
      return { category: 'unreachable', cause: `cannot connect to the proxy ${route.proxy} (from ${route.variable}) to reach ${endpoint} (${netCode})`, hint: `check ${route.variable}: is a proxy listening at ${route.proxy}?` };
    }
    if (reset) {
      return {
        category: 'unreachable',
        cause: `the connection to ${endpoint}${via} was reset before an answer came`,
        hint: route ? `the proxy ${route.proxy} (${route.variable}) dropped it: check that it lets ${route.target} through` : 'a firewall or a proxy on the way dropped it: check the network',
      };
    }
    if (netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN') {
      return {
        category: 'unreachable',
        cause: `the host name ${host ?? 'of the endpoint'} does not resolve (${netCode}${netCode === 'EAI_AGAIN' ? ': DNS did not answer' : ''})`,
        hint: `check DNS on this machine${host && !/amazonaws|\.aws$|api\.aws/.test(host) ? ' and the endpoint override (AWS_ENDPOINT_URL_*)' : ''}; where only a proxy reaches the internet, set HTTPS_PROXY`,
      };
    }
    return {
      category: 'unreachable',
      cause: `cannot reach ${endpoint}${via} (${netCode})`,
      hint: route ? `check that the proxy ${route.proxy} (${route.variable}) reaches ${route.target}` : 'check the network; where only a proxy reaches the internet, set HTTPS_PROXY (and NO_PROXY for local hosts)',
    };
  }
  if (TLS_CODES.test(code) || TLS_CODES.test(typeof cause?.code === 'string' ? cause.code : '')) {
    const tlsCode = TLS_CODES.test(code) ? code : String(cause!.code);
    const host = hostOf(e, message, context, route);
    const untrusted = /UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|CERT_UNTRUSTED|CERT_SIGNATURE/.test(tlsCode);
    return {
      category: 'unreachable',
      cause: `TLS to the ${apiName(context.registry, context.api)} endpoint${host ? ` ${host}` : ''}${via} failed (${tlsCode})${untrusted ? ': its certificate is signed by a CA this machine does not trust, as when a proxy inspects TLS' : ''}`,
      hint: untrusted ? "point AWS_CA_BUNDLE at the inspecting proxy's CA certificate (a PEM file)" : 'check the proxy or firewall between here and AWS',
    };
  }
  if (name === 'TimeoutError' || name === 'AbortError' || /timed? ?out|timeout/i.test(message)) {
    return { category: 'timeout', cause: `the ${apiName(context.registry, context.api)} did not answer in time`, hint: 'check the network or proxy; DOCKER_CREDENTIAL_ECR_TIMEOUT_MS raises the limit' };
  }
  if (status !== undefined && status >= 500) {
    return { category: 'server-error', cause: `AWS answered with an error (HTTP ${status}), even after retries`, hint: 'retry shortly; see https://health.aws.amazon.com' };
  }
  if (/Deserialization|Unexpected token|JSON|BadResponse/i.test(`${name} ${message}`)) {
    return { category: 'bad-response', cause: `the ${apiName(context.registry, context.api)} sent a response that is not a token`, hint: `if ${isPublic ? 'AWS_ENDPOINT_URL_ECR_PUBLIC' : 'AWS_ENDPOINT_URL_ECR'} or a proxy is set, check what answers there` };
  }
  return { category: 'unknown', cause: `${name || 'error'}${message ? `: ${message}` : ''}`, hint: 'run with DOCKER_CREDENTIAL_ECR_LOG=debug for details' };
}

/** The host a network error names: the proxy's target, the error's own hostname, its message, or the context's endpoint. */
function hostOf(e: ErrorLike, message: string, context: FetchContext, route: ProxyRoute | undefined): string | undefined {
  if (route) return route.target.replace(/:443$/, '');
  const cause = e.cause as ErrorLike | undefined;
  for (const err of [e, cause]) {
    if (typeof err?.hostname === 'string') return err.hostname;
    // A refused or unreachable connection names the address it tried (Node and Bun alike).
    if (typeof err?.address === 'string') return typeof err.port === 'number' ? `${err.address}:${err.port}` : err.address;
  }
  const named = /(?:ENOTFOUND|EAI_AGAIN|getaddrinfo \S+)\s+([a-z0-9.-]+\.[a-z]{2,})/i.exec(message)?.[1];
  return named ?? context.endpointHost;
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
