// Which AWS identity a token will be fetched as, worked out WITHOUT the AWS SDK and without resolving
// credentials: this runs on every cache hit, so it reads only env values and the profile's own lines in the
// shared config files. The result is part of the cache key, so two identities never see each other's token,
// while an SSO or role session that rotates its access key keeps hitting the same entry.
import { readSharedConfig, type SharedConfig, type SharedFile } from './shared-config';
import { readTokenFile, tokenKeyMaterial } from './web-token';
import type { Settings } from '../platform/settings';
import { containerIdentity, environmentKeyMaterial } from './base-credentials';
import { carriesCredentials, configuredEndpointMaterial, profileKeyMaterial } from './profile-key';

/** An explicit choice for one registry, from the helper's config file. */
export interface IdentityChoice {
  profile?: string;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
}

export type IdentitySource =
  'environment' | 'profile' | 'web-identity' | 'container' | 'instance' | 'none' | 'service-account';

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
  sdkFiles?: {
    shared: SharedFile[];
    profileTokens: Record<string, string>;
    ssoIds: string[];
    loginSessions?: string[];
  };
}

/**
 * The identity of a pod's service account assuming `roleArn`. The cache key names the role AND the service
 * account (namespace, name, uid): a token obtained for one service account is never served to another that
 * names the same role, since that role's trust policy may refuse the other.
 */
export function serviceAccountIdentity(
  roleArn: string,
  account: { namespace: string; name: string; uid: string },
  token: string,
): Identity {
  const who = `${account.namespace}/${account.name}`;
  return {
    source: 'service-account',
    label: `role ${roleArn} for service account ${who}`,
    // The token's issuer and audience too: two clusters sharing a cache volume can have the same namespace/name.
    keyMaterial: `service-account:${roleArn}:${account.namespace}:${account.name}:${account.uid}:${tokenKeyMaterial(token)}`,
    serviceAccount: { roleArn, ...account, token },
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
  return {
    ...identity,
    keyMaterial: `${identity.keyMaterial}${endpoints}`,
    sdkFiles,
    ...(unusable ? { unusable } : {}),
  };
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
      sdkFiles: {
        shared: [],
        profileTokens: found.profileTokens,
        ssoIds: found.ssoIds,
        ...(found.loginSessions ? { loginSessions: found.loginSessions } : {}),
      },
    };
  }
  if (profile !== undefined && !data) {
    return {
      source: 'profile',
      label: `profile ${profile}`,
      keyMaterial: `profile:${profile}:missing`,
      profile,
      missingProfile: profile,
    };
  }
  if (chosenProfile !== undefined) {
    // The SDK would go on down its chain here; a profile chosen for a registry must never quietly become
    // another identity.
    return {
      source: 'profile',
      label: `profile ${chosenProfile}`,
      keyMaterial: `profile:${chosenProfile}:no-credentials`,
      profile: chosenProfile,
      profileWithoutCredentials: chosenProfile,
    };
  }
  if (settings.webIdentity) {
    const token = readTokenFile(settings.webIdentity.tokenFile);
    return {
      source: 'web-identity',
      label: `web identity ${settings.webIdentity.roleArn}${token.subject ? ` for ${token.subject}` : ''}`,
      keyMaterial: `web-identity:${settings.webIdentity.roleArn}:${token.keyMaterial}`,
      webIdentityToken: token.token ?? '',
      ...(token.error
        ? { unusable: `AWS_WEB_IDENTITY_TOKEN_FILE ${settings.webIdentity.tokenFile} cannot be read (${token.error})` }
        : {}),
    };
  }
  const container = containerIdentity(settings);
  if (container) return { source: 'container', ...container };
  if (settings.imdsDisabled)
    return { source: 'none', label: 'no credentials (AWS_EC2_METADATA_DISABLED is set)', keyMaterial: 'none' };
  return { source: 'instance', label: 'the instance role (EC2 metadata), if any', keyMaterial: 'instance' };
}
