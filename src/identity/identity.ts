// Which AWS identity a token will be fetched as, worked out WITHOUT the AWS SDK and without resolving
// credentials: this runs on every cache hit, so it reads only env values and the profile's own lines in the
// shared config files. The result is part of the cache key, so two identities never see each other's token,
// while an SSO or role session that rotates its access key keeps hitting the same entry.
import { profileSection, readIni, setting } from './shared-config';
import type { Settings } from '../platform/settings';
import { sha256Hex } from '../platform/sha256';

/** An explicit choice for one registry, from the helper's config file. */
export interface IdentityChoice {
  profile?: string;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
}

export type IdentitySource = 'environment' | 'profile' | 'web-identity' | 'container' | 'default-chain' | 'service-account';

export interface Identity {
  /** Where the SDK will find the credentials. */
  source: IdentitySource;
  /** How a person would name it: "profile prod", "environment key AKIA…", "role arn:…". Never a secret. */
  label: string;
  /** Stable material for the cache key: names plus a hash of the profile's settings, never a secret itself. */
  keyMaterial: string;
  /** The profile the SDK must use, when one is selected. */
  profile?: string;
  /** Set when the profile named does not exist in either file (the SDK would fail; we say so first). */
  missingProfile?: string;
  role?: { arn: string; externalId?: string; sessionName?: string };
  /**
   * A Kubernetes pod's service account, whose token the kubelet handed us, exchanged for this role with STS
   * AssumeRoleWithWebIdentity. The token is a secret: it is in neither the label nor the key material.
   */
  serviceAccount?: { roleArn: string; namespace: string; name: string; uid: string; token: string };
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
    keyMaterial: `service-account:${roleArn}:${account.namespace}:${account.name}:${account.uid}`,
    serviceAccount: { roleArn, ...account, token },
  };
}

const digest = (text: string): string => sha256Hex(text).slice(0, 16);

/** The profile's settings, with the profiles and SSO sessions it draws on, as one hash. */
function profileFingerprint(name: string, config: Map<string, string[]>, credentials: Map<string, string[]>): string | undefined {
  const parts: string[] = [];
  const seen = new Set<string>();
  let found = false;
  const visit = (profile: string, depth: number): void => {
    if (seen.has(profile) || depth > 8) return;
    seen.add(profile);
    const configLines = profileSection(config, profile);
    const credentialLines = credentials.get(profile);
    if (configLines || credentialLines) found = true;
    parts.push(`[${profile}]`, ...(configLines ?? []), '--', ...(credentialLines ?? []));
    const ssoSession = setting(configLines, 'sso_session');
    if (ssoSession) parts.push(`[sso-session ${ssoSession}]`, ...(config.get(`sso-session ${ssoSession}`) ?? []));
    const source = setting(configLines, 'source_profile');
    if (source) visit(source, depth + 1);
  };
  visit(name, 0);
  return found ? digest(parts.join('\n')) : undefined;
}

/**
 * Mirrors the order of the SDK's default chain (fromNodeProviderChain): AWS_PROFILE wins over environment keys,
 * then environment keys, then the default profile, then web identity, then container and instance roles.
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
  const profile = chosenProfile ?? settings.awsProfile;
  if (profile === undefined && settings.envAccessKeyId) {
    return { source: 'environment', label: `environment key ${settings.envAccessKeyId}`, keyMaterial: `env:${settings.envAccessKeyId}` };
  }
  const config = readIni(settings.awsConfigFile);
  const credentials = readIni(settings.awsCredentialsFile);
  const name = profile ?? 'default';
  const fingerprint = profileFingerprint(name, config, credentials);
  if (fingerprint) return { source: 'profile', label: `profile ${name}`, keyMaterial: `profile:${name}:${fingerprint}`, ...(profile ? { profile } : {}) };
  if (profile !== undefined) {
    return { source: 'profile', label: `profile ${profile}`, keyMaterial: `profile:${profile}:missing`, profile, missingProfile: profile };
  }
  if (settings.webIdentity) {
    return { source: 'web-identity', label: `web identity ${settings.webIdentity.roleArn}`, keyMaterial: `web-identity:${settings.webIdentity.roleArn}` };
  }
  if (settings.containerCredentials) {
    return {
      source: 'container',
      label: `container credentials from ${settings.containerCredentials}`,
      keyMaterial: `container:${settings.containerCredentials}:${settings.containerTokenFile ?? ''}`,
    };
  }
  return { source: 'default-chain', label: 'the default credential chain (instance role or none)', keyMaterial: 'instance' };
}
