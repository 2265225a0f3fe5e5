// From what Docker sent to what we will ask AWS: the server URL's host, the config file's rule for it (if any),
// and the ECR registry that answers. Everything that decides "do we serve this host" happens here.
import { CredentialsNotFoundError, ConfigError, UnreadableIdentityError } from '../platform/errors';
import { parseServerUrl, registryForHost, type ServerUrl } from './host';
import { loadRegistryConfig, matchRule, type RegistryConfig, type RegistryRule } from './config-file';
import { isPattern } from './host-pattern';
import type { CustomPattern } from './public-suffix';
import type { Settings } from '../platform/settings';
import { selectIdentity } from '../identity/identity';
import type { Identity } from '../identity/identity';
import type { Registry } from './host';

/** A registry to serve, the host Docker asked about, and the identity chosen for it. */
export interface TokenRequest {
  registry: Registry;
  requestedHost: string;
  /** Selected here, with the config file's choice for this host applied. */
  identity: Identity;
  /**
   * The config file's pattern with a target that made this host ours: the token service checks it against the
   * Public Suffix List before any token is handed out (registry/public-suffix.ts).
   */
  customPattern?: CustomPattern;
}

export interface Route extends TokenRequest {
  url: ServerUrl;
  rule?: RegistryRule;
  configFile?: string;
}

/**
 * The one answer to "do we serve this host": the config file's rule for it when that rule has a target, else the
 * ECR or ECR Public registry the host itself names. A host that only looks like ECR is not served (hints.ts may
 * say what was meant, on `get`). Every decision about a host goes through here: `get`, `erase`, the credsStore
 * hand-over, `list`, the commands. May throw the config file's ConfigError.
 */
export function servedRegistry(
  host: string,
  settings: Settings,
): { registry: Registry | undefined; rule: RegistryRule | undefined; config: RegistryConfig | undefined } {
  const config = loadRegistryConfig(settings);
  return { ...registryServing(host, config), config };
}

/** servedRegistry over a config already loaded (doctor loads it once, to report its errors as checks). */
export function registryServing(
  host: string,
  config: RegistryConfig | undefined,
): { registry: Registry | undefined; rule: RegistryRule | undefined } {
  const rule = matchRule(config, host);
  return { registry: rule?.target ?? registryForHost(host), rule };
}

/** Whether we serve `host` (see servedRegistry). May throw the config file's ConfigError. */
export function servesHost(host: string, settings: Settings): boolean {
  return servedRegistry(host, settings).registry !== undefined;
}

/**
 * The route for a server URL. `allowPlainHttp` is for `erase` only: `get` refuses http:// so that a token is
 * never sent in clear.
 */
export function routeServerUrl(input: string, settings: Settings, options: { allowPlainHttp?: boolean } = {}): Route {
  const url = parseServerUrl(input);
  if (url.scheme === 'http' && !options.allowPlainHttp)
    throw new CredentialsNotFoundError('plain http would expose the token');
  const { registry, rule, config } = servedRegistry(url.host, settings);
  if (!registry)
    throw new CredentialsNotFoundError(
      `${url.host} is not an ECR registry${rule ? ` (matched ${rule.pattern}, which has no target)` : ''}`,
    );
  // The identity is selected here, once per request: the token service and the cache key take it from the route.
  const identity = selectIdentity(settings, rule?.choice);
  if (rule?.choice.profile !== undefined && identity.missingProfile) {
    // Said here rather than left to the SDK, so the error names the config file and line, not a generic failure.
    throw new ConfigError(
      `${config!.file}:${rule.line}: registry "${rule.pattern}": profile "${identity.missingProfile}" is not in ${settings.awsConfigFile ?? '~/.aws/config'} or ${settings.awsCredentialsFile ?? '~/.aws/credentials'}`,
    );
  }
  if (identity.unusable) {
    // No key can stand for an identity we cannot read: neither a cache hit nor a fetch.
    throw new UnreadableIdentityError(
      `${url.host}: ${identity.unusable}; no token is served or fetched for an identity this helper cannot read, so none is guessed`,
    );
  }
  if (rule && identity.profileWithoutCredentials) {
    throw new ConfigError(
      `${config!.file}:${rule.line}: registry "${rule.pattern}": profile "${identity.profileWithoutCredentials}" holds no credential settings (keys, role_arn with source_profile or credential_source, sso_*, credential_process, web_identity_token_file); add them, e.g. with \`aws configure --profile ${identity.profileWithoutCredentials}\``,
    );
  }
  return {
    url,
    registry,
    requestedHost: url.host,
    identity,
    ...(rule ? { rule, configFile: config!.file } : {}),
    ...(rule?.target && isPattern(rule.pattern)
      ? { customPattern: { pattern: rule.pattern, file: config!.file, line: rule.line } }
      : {}),
  };
}
