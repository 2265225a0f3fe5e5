// Where an identity's credentials come from, in words: `doctor` shows it next to the ARN, because "which of my
// five ways of having AWS credentials is this?" is the first question when the account is the wrong one.
import { readFileSync } from 'node:fs';
import type { Settings } from './config';
import { iniSections, type Identity } from './identity';

function sectionLines(file: string | undefined, section: string): string[] | undefined {
  if (!file) return undefined;
  try {
    return iniSections(readFileSync(file, 'utf8')).get(section);
  } catch {
    return undefined;
  }
}

function value(lines: string[] | undefined, name: string): string | undefined {
  return lines?.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** How a profile gets its credentials, from its own lines in the shared files. */
function profileKind(profile: string, settings: Settings): string {
  const config =
    sectionLines(settings.awsConfigFile, profile === 'default' ? 'default' : `profile ${profile}`) ??
    (profile === 'default' ? sectionLines(settings.awsConfigFile, 'profile default') : undefined);
  const credentials = sectionLines(settings.awsCredentialsFile, profile);
  const ssoSession = value(config, 'sso_session');
  if (ssoSession) return `SSO (IAM Identity Center), sso-session ${ssoSession}`;
  if (value(config, 'sso_start_url')) return 'SSO (IAM Identity Center), legacy sso_start_url';
  const role = value(config, 'role_arn') ?? value(credentials, 'role_arn');
  if (role) {
    const from = value(config, 'source_profile') ?? value(config, 'credential_source') ?? (value(config, 'web_identity_token_file') ? 'web identity token' : undefined);
    return `assumes role ${role}${from ? ` from ${from}` : ''}`;
  }
  if (value(config, 'credential_process') ?? value(credentials, 'credential_process')) return 'credential_process';
  if (value(credentials, 'aws_access_key_id') ?? value(config, 'aws_access_key_id')) return 'long-term access keys';
  return 'settings the SDK resolves';
}

export function describeSource(identity: Identity, settings: Settings, env: Readonly<Record<string, string | undefined>>): string {
  let base: string;
  switch (identity.source) {
    case 'environment':
      base = `environment variables (AWS_ACCESS_KEY_ID ${settings.envAccessKeyId ?? ''}${env.AWS_SESSION_TOKEN ? ', with AWS_SESSION_TOKEN' : ''})`;
      break;
    case 'profile': {
      const name = identity.profile ?? settings.awsProfile ?? 'default';
      base = identity.missingProfile ? `profile ${name} (not in the AWS config files)` : `profile ${name}: ${profileKind(name, settings)}`;
      break;
    }
    case 'web-identity':
      base = `web identity (AWS_ROLE_ARN ${settings.webIdentity?.roleArn ?? ''})`;
      break;
    case 'container':
      base = 'container credentials (ECS task role or EKS Pod Identity)';
      break;
    default:
      base = 'the default chain: instance role (EC2 metadata), if any';
  }
  return identity.role ? `role ${identity.role.arn}, assumed with ${base}` : base;
}
