// A profile as a credential source: whether it carries credentials, and its key material: its settings and those
// of the profiles and SSO sessions it draws on, what they point at outside the files, and the endpoints it names.
import type { SharedConfig } from './shared-config';
import { readTokenFile } from './web-token';
import { commandInputs } from './credential-process';
import type { Settings } from '../platform/settings';
import { containerIdentity, digest, environmentKeyMaterial } from './base-credentials';

type ProfileData = Record<string, string>;

/**
 * Whether a profile carries credentials, by the tests the SDK's fromIni applies in resolveProfileData (a role with
 * exactly one of source_profile and credential_source, a key pair, a web identity token file with a role,
 * credential_process, any sso_ setting, login_session). A profile with only `region` carries none: the SDK's chain
 * then goes on to web identity, container and instance credentials, and so do we.
 */
export function carriesCredentials(data: ProfileData | undefined): boolean {
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

const stable = (data: Record<string, string> | undefined): string =>
  JSON.stringify(Object.entries(data ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

interface ProfileKey {
  keyMaterial: string;
  unusable?: string;
  commandInputs?: { variables: string[]; workingDirectory: boolean };
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
export function profileKeyMaterial(name: string, shared: SharedConfig, settings: Settings): ProfileKey {
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
      if (token.error)
        result.unusable ??= `web_identity_token_file ${tokenFile} of profile ${profile} cannot be read (${token.error})`;
      else result.profileTokens[tokenFile] = token.token!;
      parts.push(`token ${token.keyMaterial}`);
    }
    const command = data?.credential_process;
    if (command) {
      // The SDK runs it through a shell: the same text can answer as another identity in another environment.
      const found = commandInputs(command, settings.environment, settings.workingDirectory());
      parts.push(`process ${found.material}`);
      const before = result.commandInputs;
      result.commandInputs = {
        variables: [...(before?.variables ?? []), ...found.variables],
        workingDirectory: (before?.workingDirectory ?? false) || found.workingDirectory,
      };
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

/**
 * Where the SDK will send the request when the shared config says (`endpoint_url`, a `services` section): part of
 * the key, so that a token from an endpoint named there never serves a caller whose config names none. Extra
 * material only ever makes a miss.
 */
export function configuredEndpointMaterial(shared: SharedConfig, settings: Settings, profile: string): string {
  if (settings.ignoreConfiguredEndpoints) return '';
  const data = shared.profiles[profile];
  if (!data || data.ignore_configured_endpoint_urls === 'true') return '';
  const services = data.services ? shared.sections[`services.${data.services}`] : undefined;
  return data.endpoint_url || services ? `|endpoints:${digest(`${data.endpoint_url ?? ''}\n${stable(services)}`)}` : '';
}
