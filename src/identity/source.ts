// Where an identity's credentials come from, in words: `doctor` shows it next to the ARN, because "which of my
// five ways of having AWS credentials is this?" is the first question when the account is the wrong one.
import type { Settings } from '../platform/settings';
import { readSharedConfig } from './shared-config';
import { redactUrl } from '../platform/redact';
import type { Identity } from './identity';

/** How a profile gets its credentials, from its settings in the shared files (as the SDK merges them). */
function profileKind(profile: string, settings: Settings): string {
  const data = readSharedConfig(settings).profiles[profile] ?? {};
  if (data.sso_session) return `SSO (IAM Identity Center), sso-session ${data.sso_session}`;
  if (data.sso_start_url) return 'SSO (IAM Identity Center), legacy sso_start_url';
  if (data.role_arn) {
    const from =
      data.source_profile ??
      data.credential_source ??
      (data.web_identity_token_file ? 'web identity token' : undefined);
    return `assumes role ${data.role_arn}${from ? ` from ${from}` : ''}`;
  }
  if (data.credential_process) return 'credential_process';
  if (data.aws_access_key_id) return 'long-term access keys';
  return 'settings the SDK resolves';
}

export function describeSource(
  identity: Identity,
  settings: Settings,
  env: Readonly<Record<string, string | undefined>>,
): string {
  let base: string;
  switch (identity.source) {
    case 'environment':
      base = `environment variables (AWS_ACCESS_KEY_ID ${settings.envAccessKeyId ?? ''}${env.AWS_SESSION_TOKEN ? ', with AWS_SESSION_TOKEN' : ''})`;
      break;
    case 'profile': {
      const name = identity.profile ?? settings.awsProfile ?? 'default';
      base = identity.missingProfile
        ? `profile ${name} (not in the AWS config files)`
        : `profile ${name}: ${profileKind(name, settings)}`;
      break;
    }
    case 'web-identity':
      base = `web identity (AWS_ROLE_ARN ${settings.webIdentity?.roleArn ?? ''}, AWS_WEB_IDENTITY_TOKEN_FILE ${settings.webIdentity?.tokenFile ?? ''})`;
      break;
    case 'container': {
      const full = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ? undefined : env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
      // EKS Pod Identity's agent listens on these link-local addresses; ECS gives a path on its own.
      if (full && /^https?:\/\/(169\.254\.170\.23|\[fd00:ec2::23\])[:/]/.test(full))
        base = `EKS Pod Identity (AWS_CONTAINER_CREDENTIALS_FULL_URI ${redactUrl(full)})`;
      else if (full)
        base = `EKS Pod Identity or a container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI ${redactUrl(full)})`;
      else
        base = `ECS task role (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ${env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ?? ''})`;
      break;
    }
    case 'none':
      base =
        'none: no environment keys, no profile with credentials, no web identity or container credentials, and AWS_EC2_METADATA_DISABLED is set';
      break;
    default:
      base = 'the default chain: instance role (EC2 metadata), if any';
  }
  return identity.role ? `role ${identity.role.arn}, assumed with ${base}` : base;
}
