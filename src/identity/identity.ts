// Which AWS identity a token will be fetched as, worked out WITHOUT the AWS SDK and without resolving
// credentials: this runs on every cache hit, so it reads only env values and the profile's own lines in the
// shared config files. The result is part of the cache key, so two identities never see each other's token,
// while an SSO or role session that rotates its access key keeps hitting the same entry.
import { readSharedConfig, type SharedConfig, type SharedFile } from './shared-config';
import { readTokenFile, tokenKeyMaterial, tokenSubject } from './web-token';
import { commandInputs } from './credential-process';
import type { Settings } from '../platform/settings';
import { sha256Hex } from '../platform/sha256';
import { redactUrl } from '../platform/redact';

/** An explicit choice for one registry, from the helper's config file. */
export interface IdentityChoice {
  profile?: string;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
}

export type IdentitySource = 'environment' | 'profile' | 'web-identity' | 'container' | 'instance' | 'none' | 'service-account';

export interface Identity {
  /**
   * Where the credentials come from. Decided once, here, in the SDK default chain's own order; the token fetch
   * then uses exactly this source (aws/client-config.ts), never the chain itself, so the cache key can never
   * name one identity while the token was fetched as another.
   */
  source: IdentitySource;
  /** How a person would name it: "profile prod", "environment key AKIA…", "role arn:…". Never a secret. */
  label: string;
  /** Stable material for the cache key: names, token claims and hashes of settings, never a secret itself. */
  keyMaterial: string;
  /** The profile the SDK must use, when the source is a profile. */
  profile?: string;
  /** Set when the profile named does not exist in either file (the SDK would fail; we say so first). */
  missingProfile?: string;
  /** Set when a profile chosen in the helper's config file exists but holds no credential settings. */
  profileWithoutCredentials?: string;
  /**
   * Why this identity cannot be used at all (a token file we cannot read): then there is neither a cache hit nor a
   * fetch, only an error saying this, since a key derived from nothing could match another caller's entry.
   */
  unusable?: string;
  /** The web identity token the key's claims were read from; the fetch sends exactly these bytes. A secret. */
  webIdentityToken?: string;
  /** The container authorization token the key was derived from; the fetch sends exactly this. A secret. */
  containerToken?: string;
  role?: { arn: string; externalId?: string; sessionName?: string };
  /**
   * A Kubernetes pod's service account, whose token the kubelet handed us, exchanged for this role with STS
   * AssumeRoleWithWebIdentity. The token is a secret: it is in neither the label nor the key material.
   */
  serviceAccount?: { roleArn: string; namespace: string; name: string; uid: string; token: string };
  /**
   * What a credential_process command line in the profile chain expands (identity/credential-process.ts), part of
   * the key: the memo of a hit must cover these too (tokens/service.ts).
   */
  commandInputs?: { variables: string[]; workingDirectory: boolean };
  /**
   * What the SDK is handed instead of reading it again (aws/sdk-files.ts): the shared files as they were read
   * for the key, a profile's web_identity_token_file tokens by path (secrets), and the SSO sessions or start URLs
   * whose token cache files the SDK would read.
   */
  sdkFiles?: { shared: SharedFile[]; profileTokens: Record<string, string>; ssoIds: string[]; loginSessions?: string[] };
}

/**
 * The identity of a pod's service account assuming `roleArn`. The cache key names the role AND the service
 * account (namespace, name, uid): a token obtained for one service account is never served to another that
 * names the same role, since that role's trust policy may refuse the other.
 */
export function serviceAccountIdentity(roleArn: string, account: { namespace: string; name: string; uid: string }, token: string): Identity {
  const who = `${account.namespace}/${account.name}`;
  return {
    source: 'service-account',
    label: `role ${roleArn} for service account ${who}`,
    // The token's issuer and audience too: two clusters sharing a cache volume can have the same namespace/name.
    keyMaterial: `service-account:${roleArn}:${account.namespace}:${account.name}:${account.uid}:${tokenKeyMaterial(token)}`,
    serviceAccount: { roleArn, ...account, token },
  };
}

const digest = (text: string): string => sha256Hex(text).slice(0, 16);

type ProfileData = Record<string, string>;

/**
 * Whether a profile carries credentials, by the tests the SDK's fromIni applies in resolveProfileData (a role with
 * exactly one of source_profile and credential_source, a key pair, a web identity token file with a role,
 * credential_process, any sso_ setting, login_session). A profile with only `region` carries none: the SDK's chain
 * then goes on to web identity, container and instance credentials, and so do we.
 */
function carriesCredentials(data: ProfileData | undefined): boolean {
  if (!data) return false;
  const has = (name: string): boolean => data[name] !== undefined;
  return (
    (has('role_arn') && has('source_profile') !== has('credential_source')) ||
    (has('aws_access_key_id') && has('aws_secret_access_key')) ||
    (has('web_identity_token_file') && has('role_arn')) ||
    has('credential_process') ||
    ['sso_start_url', 'sso_account_id', 'sso_session', 'sso_region', 'sso_role_name'].some(has) ||
    has('login_session')
  );
}

const stable = (data: Record<string, string> | undefined): string => JSON.stringify(Object.entries(data ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

interface ProfileKey {
  keyMaterial: string;
  unusable?: string;
  commandInputs?: Identity['commandInputs'];
  profileTokens: Record<string, string>;
  ssoIds: string[];
  loginSessions?: string[];
  /** The container token behind a credential_source = EcsContainer, handed to the SDK with the profile. */
  containerToken?: string;
}

/**
 * Key material for a profile: a hash of its settings, with the profiles and SSO sessions it draws on, plus what
 * those settings point at outside the files: the claims of a web_identity_token_file, and the environment keys,
 * container or instance credentials behind a credential_source (two jobs that assume one role from different
 * base credentials must not share a token: the second may not be allowed to assume it), and what a
 * credential_process command line expands. A token file that cannot be read makes the identity unusable rather than
 * keyed on nothing. Also collects what the SDK will be handed for the chain (aws/sdk-files.ts).
 */
function profileKeyMaterial(name: string, shared: SharedConfig, settings: Settings): ProfileKey {
  const parts: string[] = [];
  const seen = new Set<string>();
  const result: ProfileKey = { keyMaterial: '', profileTokens: {}, ssoIds: [] };
  const visit = (profile: string, depth: number): void => {
    if (seen.has(profile) || depth > 8) return;
    seen.add(profile);
    const data = shared.profiles[profile];
    parts.push(`[${profile}]`, stable(data));
    const ssoSession = data?.sso_session;
    if (ssoSession) parts.push(`[sso-session ${ssoSession}]`, stable(shared.sections[`sso-session.${ssoSession}`]));
    // The SDK's token cache file is named after the session, or the start URL of a legacy profile.
    const ssoId = ssoSession ?? data?.sso_start_url;
    if (ssoId) result.ssoIds.push(ssoId);
    if (data?.login_session) (result.loginSessions ??= []).push(data.login_session);
    const tokenFile = data?.web_identity_token_file;
    if (tokenFile) {
      const token = readTokenFile(tokenFile);
      if (token.error) result.unusable ??= `web_identity_token_file ${tokenFile} of profile ${profile} cannot be read (${token.error})`;
      else result.profileTokens[tokenFile] = token.token!;
      parts.push(`token ${token.keyMaterial}`);
    }
    const command = data?.credential_process;
    if (command) {
      // The SDK runs it through a shell: the same text can answer as another identity in another environment.
      const found = commandInputs(command, settings.environment, settings.workingDirectory());
      parts.push(`process ${found.material}`);
      const before = result.commandInputs;
      result.commandInputs = { variables: [...(before?.variables ?? []), ...found.variables], workingDirectory: (before?.workingDirectory ?? false) || found.workingDirectory };
    }
    const credentialSource = data?.credential_source;
    if (credentialSource === 'Environment') parts.push(`base ${environmentKeyMaterial(settings) ?? 'none'}`);
    else if (credentialSource === 'EcsContainer') {
      const container = containerIdentity(settings);
      if (container?.unusable) result.unusable ??= container.unusable;
      if (container?.containerToken) result.containerToken = container.containerToken;
      parts.push(`base ${container?.keyMaterial ?? 'none'}`);
    } else if (credentialSource === 'Ec2InstanceMetadata') parts.push('base instance');
    const source = data?.source_profile;
    if (source) visit(source, depth + 1);
  };
  visit(name, 0);
  result.keyMaterial = `profile:${name}:${digest(parts.join('\n'))}`;
  return result;
}

/** Environment keys: the key id, and a hash of the secret, so a right id with a wrong secret is not a hit. */
function environmentKeyMaterial(settings: Settings): string | undefined {
  return settings.envAccessKeyId ? `env:${settings.envAccessKeyId}:${digest(settings.envSecretAccessKey ?? '')}` : undefined;
}

/**
 * Where the SDK will send the request when the shared config says (`endpoint_url`, a `services` section): part of
 * the key, so that a token from an endpoint named there never serves a caller whose config names none. Extra
 * material only ever makes a miss.
 */
function configuredEndpointMaterial(shared: SharedConfig, settings: Settings, profile: string): string {
  if (settings.ignoreConfiguredEndpoints) return '';
  const data = shared.profiles[profile];
  if (!data || data.ignore_configured_endpoint_urls === 'true') return '';
  const services = data.services ? shared.sections[`services.${data.services}`] : undefined;
  return data.endpoint_url || services ? `|endpoints:${digest(`${data.endpoint_url ?? ''}\n${stable(services)}`)}` : '';
}

/**
 * EKS Pod Identity and ECS task roles. The endpoint alone does not say who is asking (every pod on a node talks to
 * the same Pod Identity agent with the same token path), so the key takes the authorization token's claims
 * (namespace and service account, from the projected JWT), or a hash of a token that is not a JWT. The token read
 * here is the one the fetch sends (Identity.containerToken), never one read again later.
 */
function containerIdentity(settings: Settings): Identity | undefined {
  const endpoint = settings.containerCredentials;
  if (!endpoint) return undefined;
  let token: string | undefined;
  let unusable: string | undefined;
  if (settings.containerTokenFile) {
    const file = readTokenFile(settings.containerTokenFile);
    token = file.token;
    if (file.error) unusable = `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${settings.containerTokenFile} cannot be read (${file.error})`;
  } else {
    token = settings.containerToken;
  }
  const subject = token ? tokenSubject(token) : undefined;
  return {
    source: 'container',
    label: `container credentials from ${redactUrl(endpoint)}${subject ? ` for ${subject}` : ''}`,
    keyMaterial: `container:${endpoint}:${token ? tokenKeyMaterial(token) : unusable ? 'unreadable' : 'no-token'}`,
    containerToken: token ?? '',
    ...(unusable ? { unusable } : {}),
  };
}

/**
 * Mirrors the SDK's default chain (fromNodeProviderChain): environment keys unless AWS_PROFILE is set, then the
 * profile if it carries credentials, then web identity, then container credentials, then the instance role.
 */
export function selectIdentity(settings: Settings, choice: IdentityChoice = {}): Identity {
  const role = choice.roleArn
    ? {
        arn: choice.roleArn,
        ...(choice.externalId ? { externalId: choice.externalId } : {}),
        ...(choice.sessionName ? { sessionName: choice.sessionName } : {}),
      }
    : undefined;
  const base = baseIdentity(settings, choice.profile);
  if (!role) return base;
  return {
    ...base,
    label: `role ${role.arn} (from ${base.label})`,
    keyMaterial: `role:${role.arn}:${role.externalId ?? ''}:${role.sessionName ?? ''}|${base.keyMaterial}`,
    role,
  };
}

function baseIdentity(settings: Settings, chosenProfile: string | undefined): Identity {
  const shared = readSharedConfig(settings);
  const endpoints = configuredEndpointMaterial(shared, settings, settings.awsProfile ?? 'default');
  const identity = credentialSource(settings, chosenProfile, shared);
  const sdkFiles = { profileTokens: {}, ssoIds: [], ...identity.sdkFiles, shared: shared.files };
  // Every source's client reads the shared config (endpoints, retries): one that cannot be read leaves none usable.
  const unusable = shared.unreadable ?? identity.unusable;
  return { ...identity, keyMaterial: `${identity.keyMaterial}${endpoints}`, sdkFiles, ...(unusable ? { unusable } : {}) };
}

function credentialSource(settings: Settings, chosenProfile: string | undefined, shared: SharedConfig): Identity {
  const profile = chosenProfile ?? settings.awsProfile;
  const environment = environmentKeyMaterial(settings);
  if (profile === undefined && environment) {
    return { source: 'environment', label: `environment key ${settings.envAccessKeyId}`, keyMaterial: environment };
  }
  const name = profile ?? 'default';
  const data = shared.profiles[name];
  if (carriesCredentials(data)) {
    const found = profileKeyMaterial(name, shared, settings);
    return {
      source: 'profile',
      label: `profile ${name}`,
      keyMaterial: found.keyMaterial,
      profile: name,
      ...(found.unusable ? { unusable: found.unusable } : {}),
      ...(found.commandInputs ? { commandInputs: found.commandInputs } : {}),
      ...(found.containerToken !== undefined ? { containerToken: found.containerToken } : {}),
      sdkFiles: { shared: [], profileTokens: found.profileTokens, ssoIds: found.ssoIds, ...(found.loginSessions ? { loginSessions: found.loginSessions } : {}) },
    };
  }
  if (profile !== undefined && !data) {
    return { source: 'profile', label: `profile ${profile}`, keyMaterial: `profile:${profile}:missing`, profile, missingProfile: profile };
  }
  if (chosenProfile !== undefined) {
    // The SDK would go on down its chain here; a profile chosen for a registry must never quietly become
    // another identity.
    return { source: 'profile', label: `profile ${chosenProfile}`, keyMaterial: `profile:${chosenProfile}:no-credentials`, profile: chosenProfile, profileWithoutCredentials: chosenProfile };
  }
  if (settings.webIdentity) {
    const token = readTokenFile(settings.webIdentity.tokenFile);
    return {
      source: 'web-identity',
      label: `web identity ${settings.webIdentity.roleArn}${token.subject ? ` for ${token.subject}` : ''}`,
      keyMaterial: `web-identity:${settings.webIdentity.roleArn}:${token.keyMaterial}`,
      webIdentityToken: token.token ?? '',
      ...(token.error ? { unusable: `AWS_WEB_IDENTITY_TOKEN_FILE ${settings.webIdentity.tokenFile} cannot be read (${token.error})` } : {}),
    };
  }
  const container = containerIdentity(settings);
  if (container) return container;
  if (settings.imdsDisabled) return { source: 'none', label: 'no credentials (AWS_EC2_METADATA_DISABLED is set)', keyMaterial: 'none' };
  return { source: 'instance', label: 'the instance role (EC2 metadata), if any', keyMaterial: 'instance' };
}
