// The AWS account a profile names in its own lines, for `configure` and `doctor` when STS cannot be asked (an
// expired SSO session) or should not be (a role behind an MFA code, which STS would ask for just to say who).
import { profileSection, readIni, setting } from '../identity/shared-config';
import type { Settings } from '../platform/settings';
import type { Partition } from '../registry/host';

/**
 * The account a profile names without asking STS: an SSO profile's sso_account_id (with its sso_region), or the
 * account in a role profile's role_arn. An expired SSO session, or a role that needs an MFA code, still names it.
 */
export function profileAccount(
  settings: Settings,
  profile: string | undefined,
  regionPattern: RegExp,
): { account: string; name: string; from: string; region?: string; partition?: Partition; mfa: boolean } | undefined {
  const name = profile ?? settings.awsProfile ?? 'default';
  const config = readIni(settings.awsConfigFile);
  const section = profileSection(config, name);
  const mfa = Boolean(setting(section, 'mfa_serial')?.trim());
  const ssoAccount = setting(section, 'sso_account_id')?.trim();
  if (ssoAccount && /^\d{12}$/.test(ssoAccount)) {
    const session = setting(section, 'sso_session')?.trim();
    const region = (setting(section, 'sso_region') ?? (session ? setting(config.get(`sso-session ${session}`), 'sso_region') : undefined))?.trim();
    return { account: ssoAccount, name, from: 'sso_account_id', mfa, ...(region && regionPattern.test(region) ? { region } : {}) };
  }
  const role = /^arn:([a-z-]+):iam::(\d{12}):role\//.exec(setting(section, 'role_arn')?.trim() ?? '');
  if (role) return { account: role[2]!, name, from: `role_arn ${setting(section, 'role_arn')!.trim()}`, partition: role[1] as Partition, mfa };
  return undefined;
}

