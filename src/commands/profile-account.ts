// The AWS account a profile names in its own lines, for `configure` and `doctor` when STS cannot be asked (an
// expired SSO session) or should not be (a role behind an MFA code, which STS would ask for just to say who).
import { readSharedConfig } from '../identity/shared-config';
import { REGION_NAME } from '../identity/region';
import type { Settings } from '../platform/settings';
import type { Partition } from '../registry/host';

/**
 * The account a profile names without asking STS: an SSO profile's sso_account_id (with its sso_region), or the
 * account in a role profile's role_arn. An expired SSO session, or a role that needs an MFA code, still names it.
 */
export function profileAccount(
  settings: Settings,
  profile: string | undefined,
): { account: string; name: string; from: string; region?: string; partition?: Partition; mfa: boolean } | undefined {
  const name = profile ?? settings.awsProfile ?? 'default';
  const shared = readSharedConfig(settings);
  const data = shared.profiles[name] ?? {};
  const mfa = Boolean(data.mfa_serial);
  const ssoAccount = data.sso_account_id;
  if (ssoAccount && /^\d{12}$/.test(ssoAccount)) {
    const session = data.sso_session;
    const region = data.sso_region ?? (session ? shared.sections[`sso-session.${session}`]?.sso_region : undefined);
    return {
      account: ssoAccount,
      name,
      from: 'sso_account_id',
      mfa,
      ...(region && REGION_NAME.test(region) ? { region } : {}),
    };
  }
  const role = /^arn:([a-z-]+):iam::(\d{12}):role\//.exec(data.role_arn ?? '');
  if (role) return { account: role[2], name, from: `role_arn ${data.role_arn}`, partition: role[1] as Partition, mfa };
  return undefined;
}
