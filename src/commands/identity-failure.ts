// Why STS could not be asked who the identity is, in the words `get` uses: an SSO profile's failure is named as
// SSO (aws/explain-sso.ts), everything else as caller-identity.ts words it. For `doctor` and `configure`.
import { explainCallerIdentityFailure } from '../aws/caller-identity';
import type { Identity } from '../identity/identity';
import type { ErrorCategory } from '../platform/errors';
import type { Env, Settings } from '../platform/settings';
import { classifySso, ssoSessionOf } from '../aws/explain-sso';

export function explainIdentityFailure(
  error: unknown,
  identity: Identity,
  settings: Settings,
  env: Env,
): { category: ErrorCategory; cause: string; hint: string } {
  const sso =
    identity.source === 'profile' ? ssoSessionOf(settings, env, identity.profile ?? settings.awsProfile) : undefined;
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return classifySso(text(e.name), text(e.message), sso, env) ?? explainCallerIdentityFailure(error, identity);
}
