// A failure inside the SDK's SSO provider, named as SSO. The provider wraps whatever the SSO portal's client threw
// (a DNS failure, a proxy's refusal, TLS, the portal's own error) in a CredentialsProviderError whose message is
// that error turned into a string, with its code, status and headers gone: its message is all there is to read.
// Without this, all of them read as "no AWS credentials were found", for a profile that plainly has them.
import type { ErrorCategory } from '../platform/errors';
import { redactUrl } from '../platform/redact';
import type { Env } from '../platform/settings';
import { readSharedConfig } from '../identity/shared-config';

/** The SSO set-up behind a profile (itself, or the source_profile its role is assumed from). */
export interface SsoSession {
  profile: string;
  /** Where GetRoleCredentials goes: the endpoint override's host, else portal.sso.<sso_region>.amazonaws.com. */
  portalHost: string;
  region: string | undefined;
}

export function ssoSessionOf(
  files: Parameters<typeof readSharedConfig>[0],
  env: Env,
  profile: string | undefined,
): SsoSession | undefined {
  let shared: ReturnType<typeof readSharedConfig>;
  try {
    shared = readSharedConfig(files);
  } catch {
    return undefined; // An unreadable config is reported as itself, where it is read for the credentials.
  }
  let name = profile ?? 'default';
  for (let depth = 0; depth < 4; depth++) {
    const data = shared.profiles[name];
    if (!data) return undefined;
    const session = data.sso_session ? shared.sections[`sso-session.${data.sso_session}`] : undefined;
    if (data.sso_session || data.sso_start_url || data.sso_account_id) {
      const region = session?.sso_region ?? data.sso_region;
      const override = env.AWS_ENDPOINT_URL_SSO ?? env.AWS_ENDPOINT_URL;
      let portalHost = `portal.sso.${region ?? '<sso_region>'}.amazonaws.com`;
      if (override) {
        try {
          portalHost = new URL(override).host;
        } catch {
          // An override that does not parse fails on its own, named elsewhere.
        }
      }
      return { profile: name, portalHost, region };
    }
    if (!data.source_profile || data.source_profile === name) return undefined;
    name = data.source_profile;
  }
  return undefined;
}

/** The HTTP status each of the portal's errors comes with (the SDK drops the status when it wraps them). */
const PORTAL_ERRORS: Record<string, number> = {
  UnauthorizedException: 401,
  ForbiddenException: 403,
  ResourceNotFoundException: 404,
  InvalidRequestException: 400,
  TooManyRequestsException: 429,
};

function proxyVariable(env: Env): { variable: string; proxy: string } | undefined {
  for (const variable of ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) {
    const value = env[variable];
    if (value) return { variable, proxy: redactUrl(value) };
  }
  return undefined;
}

const login = (sso: SsoSession): string => `aws sso login --profile ${sso.profile}`;

/**
 * The cause when `message` is what the SSO provider wrapped; undefined for every other error. `name` is the
 * error's name (CredentialsProviderError or TokenProviderError).
 */
export function classifySso(
  name: string,
  message: string,
  sso: SsoSession | undefined,
  env: Env,
): { category: ErrorCategory; cause: string; hint: string } | undefined {
  if (!sso || (name !== 'CredentialsProviderError' && name !== 'TokenProviderError')) return undefined;
  const portal = `the SSO portal ${sso.portalHost}`;
  const session = `the SSO session of profile ${sso.profile}`;
  if (/Cannot refresh/i.test(message)) {
    return {
      category: 'sso-expired',
      cause: `${session} has expired and could not be refreshed (the cached session holds no refresh token)`,
      hint: `run \`${login(sso)}\``,
    };
  }
  if (/SSO session associated with this profile has expired|Token is expired/i.test(message)) {
    return {
      category: 'sso-expired',
      cause: `${session} has expired (refreshing it, where it can be refreshed, did not work)`,
      hint: `run \`${login(sso)}\``,
    };
  }
  if (/was not found or is invalid|SSO session associated with this profile is invalid/i.test(message)) {
    return {
      category: 'sso-expired',
      cause: `${session} was never started on this machine, or its cached token cannot be read`,
      hint: `run \`${login(sso)}\``,
    };
  }
  const wrapped = /^([A-Za-z]*(?:Exception|Error)): ?(.*)$/s.exec(message);
  if (!wrapped) return undefined;
  const [, errorName, text] = wrapped as unknown as [string, string, string];
  const detail = text
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  const connect = /the proxy answered CONNECT (\S+?)(?::443)? with HTTP (\d+)/.exec(detail);
  if (connect) {
    const via = proxyVariable(env);
    return {
      category: 'unreachable',
      cause: `${session} could not be used: the proxy ${via ? `${via.proxy} (from ${via.variable}) ` : ''}refused to connect to the SSO portal ${connect[1]} (HTTP ${connect[2]} to CONNECT)`,
      hint: `have ${connect[1]} allowed through the proxy, or reach it directly by adding it to NO_PROXY`,
    };
  }
  const dns = /(ENOTFOUND|EAI_AGAIN)\s*([a-z0-9.-]+)?/i.exec(detail);
  if (dns) {
    return {
      category: 'unreachable',
      cause: `${session} could not be used: the SSO portal's name ${dns[2] ?? sso.portalHost} does not resolve (${dns[1]}${dns[1] === 'EAI_AGAIN' ? ': DNS did not answer' : ''})`,
      hint: 'check DNS on this machine; where only a proxy reaches the internet, set HTTPS_PROXY',
    };
  }
  if (/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ECONNRESET|socket hang up/i.test(detail)) {
    const via = proxyVariable(env);
    return {
      category: 'unreachable',
      cause: `${session} could not be used: ${via ? `the proxy ${via.proxy} (from ${via.variable}) on the way to ${portal}` : portal} cannot be reached (${detail})`,
      hint: via
        ? `check ${via.variable}: is a proxy listening at ${via.proxy}?`
        : 'check the network; where only a proxy reaches the internet, set HTTPS_PROXY',
    };
  }
  if (/certificate|self[- ]signed|\bSSL\b|\bTLS\b/i.test(detail)) {
    return {
      category: 'unreachable',
      cause: `${session} could not be used: TLS to ${portal} failed (${detail}), as when a proxy inspects TLS with a CA this machine does not trust`,
      hint: "point AWS_CA_BUNDLE at the inspecting proxy's CA certificate (a PEM file)",
    };
  }
  if (/timed? ?out|timeout/i.test(`${errorName} ${detail}`)) {
    return {
      category: 'timeout',
      cause: `${session} could not be used: ${portal} did not answer in time`,
      hint: 'check the network or proxy; DOCKER_CREDENTIAL_ECR_TIMEOUT_MS raises the limit',
    };
  }
  const status = PORTAL_ERRORS[errorName];
  if (status === 401) {
    return {
      category: 'sso-expired',
      cause: `${portal} refused the session of profile ${sso.profile} (HTTP 401 ${errorName}: ${detail}): it was signed out or revoked`,
      hint: `run \`${login(sso)}\``,
    };
  }
  if (status === 403 || status === 404) {
    return {
      category: 'access-denied',
      cause: `${portal} answered HTTP ${status} ${errorName}${detail ? `: ${detail}` : ''}: your SSO user has no access to sso_role_name in sso_account_id of profile ${sso.profile}`,
      hint: `check sso_account_id and sso_role_name of profile ${sso.profile} (\`aws sso list-account-roles\` lists what you have), or ask for the assignment`,
    };
  }
  if (status === 429)
    return {
      category: 'throttled',
      cause: `${portal} throttled the request (HTTP 429 ${errorName})`,
      hint: 'retry in a few seconds',
    };
  if (status !== undefined)
    return {
      category: 'unknown',
      cause: `${portal} answered HTTP ${status} ${errorName}${detail ? `: ${detail}` : ''}`,
      hint: `check profile ${sso.profile}'s SSO settings`,
    };
  if (/InternalServer|ServiceUnavailable/.test(errorName))
    return {
      category: 'server-error',
      cause: `${portal} answered with an error (${errorName})`,
      hint: 'retry shortly; see https://health.aws.amazon.com',
    };
  if (/Deserialization|Unexpected token|Unrecognized token|JSON|^Unknown/i.test(`${errorName} ${detail}`)) {
    return {
      category: 'not-aws',
      cause: `the answer from ${portal} is not from AWS (${errorName}: a proxy or firewall refusing the request?)`,
      hint: `check that the proxy or firewall lets ${sso.portalHost} through`,
    };
  }
  return {
    category: 'unknown',
    cause: `${session} could not be used: ${portal}: ${errorName}${detail ? `: ${detail}` : ''}`,
    hint: 'run with DOCKER_CREDENTIAL_ECR_LOG=debug for details',
  };
}
