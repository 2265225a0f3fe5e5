// The AWS identities the hosts resolve to, each once: who STS says it is, or, for a role behind an MFA code, what
// the token requests found (STS would ask for a second code just to name it).
import { configuredRegion } from '../../identity/region';
import { selectIdentity, type Identity } from '../../identity/identity';
import { readSharedConfig } from '../../identity/shared-config';
import { describeSource } from '../../identity/source';
import type { SetupSettings } from '../../platform/setup-settings';
import type { Route } from '../../registry/routing';
import { explainIdentityFailure } from '../identity-failure';
import { resolve } from '../../tokens/service';
import type { RequestContext } from '../../tokens/context';
import { profileAccount } from '../profile-account';
import { when, type Check, type Outcome } from './result';
import type { TokenFact } from './result';

/** The identity's own account, which own-registry.ts looks for in the Docker config. */
export interface OwnAccount {
  account: string;
  partition?: string;
}

/** The profile's mfa_serial, when its role needs an MFA code (the SDK asks for it through our terminal prompt). */
export function mfaSerial(identity: Identity, settings: RequestContext['settings']): string | undefined {
  if (identity.source !== 'profile' || identity.role) return undefined;
  const profile = identity.profile ?? settings.awsProfile ?? 'default';
  return readSharedConfig(settings).profiles[profile]?.mfa_serial || undefined;
}

/**
 * `publicOnly`: only ECR Public hosts use this identity, and they are pulled anonymously without it.
 * `tokensWork`: AWS gave a token to this identity in this run. Then an STS that cannot be reached, or that a proxy
 * answers instead of AWS, is a warning: pulls work (a private network with ECR endpoints and none for STS).
 */
async function stsCheck(
  identity: Identity,
  region: string | undefined,
  publicOnly: boolean,
  tokensWork: boolean,
  deps: RequestContext,
): Promise<{ check: Check; own?: OwnAccount }> {
  const { callerIdentity } = await import('../../aws/caller-identity');
  const source = describeSource(identity, deps.settings, deps.env);
  const name = identity.role ? `identity:${identity.role.arn}` : 'identity';
  const who = await callerIdentity(identity, region, deps);
  if (who.ok) {
    const expiry =
      who.expiresAt === undefined
        ? 'no expiry given (long-term or unstated)'
        : `credentials expire ${when(who.expiresAt, deps.now())}`;
    const partition = /^arn:([a-z-]+):/.exec(who.arn)?.[1];
    return {
      check: {
        name,
        status: 'ok',
        message: `AWS identity ${who.arn} (account ${who.account}), from ${source}; ${expiry}`,
      },
      own: { account: who.account, ...(partition ? { partition } : {}) },
    };
  }
  // An SSO profile's credentials failing is named as SSO (explain-sso.ts), as `get` names it.
  const { category, cause, hint } = explainIdentityFailure(who.error, identity, deps.settings, deps.env);
  const step = who.stage === 'credentials' ? 'no usable credentials' : 'STS GetCallerIdentity failed';
  if (who.stage === 'sts' && tokensWork && ['unreachable', 'timeout', 'not-aws'].includes(category)) {
    return {
      check: {
        name,
        status: 'warn',
        message: `AWS identity (${source}): ${step}: ${cause}; tokens are fetched all the same, so pulls work (STS is only how doctor names the identity)`,
        fix: hint,
      },
    };
  }
  const anonymous = publicOnly ? ' (only ECR Public uses it here, and its images are then pulled anonymously)' : '';
  return {
    check: {
      name,
      status: publicOnly ? 'warn' : 'fail',
      message: `AWS identity (${source}): ${step}: ${cause}${anonymous}`,
      fix: hint,
    },
  };
}

/** The identity line of an MFA profile, from the fresh token answers for its hosts. */
function mfaCheck(
  identity: Identity,
  serial: string,
  publicOnly: boolean,
  answers: readonly TokenFact[],
  deps: RequestContext,
): Check {
  const name = 'identity';
  const head = `AWS identity from ${describeSource(identity, deps.settings, deps.env)}, with MFA (mfa_serial ${serial})`;
  if (answers.some((t) => t.fresh.state === 'ok'))
    return {
      name,
      status: 'ok',
      message: `${head}: a token was had with it, so STS is not asked again (it would need a second code)`,
    };
  const first = answers[0];
  if (!first)
    return {
      name,
      status: 'ok',
      message: `${head}: not checked with STS, which would ask for a code; \`docker-credential-ecr doctor HOST\` checks it with a token request`,
    };
  const fresh = first.fresh;
  if (fresh.state === 'ok') throw new Error('unreachable: an ok answer returned above');
  // Without a terminal nothing was asked: "not checked", a warning while a cached token serves the pulls; without
  // one, pulls that have no terminal either fail.
  const notChecked = fresh.state === 'not-checked' && first.cachedUntil !== undefined;
  return {
    name,
    status: publicOnly || notChecked ? 'warn' : 'fail',
    message: `${head}: ${notChecked ? 'not checked: ' : ''}${fresh.cause}`,
    fix: fresh.hint,
  };
}

/** Each distinct identity once: the default one, or those the hosts resolve to. */
export async function identityChecks(
  routes: ReadonlyMap<string, Route>,
  tokens: readonly TokenFact[],
  deps: RequestContext,
  setup: SetupSettings,
): Promise<Outcome<{ own: OwnAccount | undefined }>> {
  const { settings } = deps;
  const identities = new Map<string, { identity: Identity; region: string | undefined; publicOnly: boolean }>();
  const fallbackRegion = configuredRegion(settings, setup)?.region;
  for (const route of routes.values()) {
    const identity = resolve(route, settings).identity;
    const isPrivate = route.registry.kind === 'ecr';
    const known = identities.get(identity.keyMaterial);
    if (!known)
      identities.set(identity.keyMaterial, {
        identity,
        region: isPrivate ? route.registry.region : fallbackRegion,
        publicOnly: !isPrivate,
      });
    else if (isPrivate && known.publicOnly)
      identities.set(identity.keyMaterial, { identity, region: route.registry.region, publicOnly: false });
  }
  if (identities.size === 0) {
    const identity = selectIdentity(settings);
    identities.set(identity.keyMaterial, { identity, region: fallbackRegion, publicOnly: false });
  }
  const checks: Check[] = [];
  const defaultIdentity = selectIdentity(settings);
  let own: OwnAccount | undefined;
  for (const { identity, region, publicOnly } of identities.values()) {
    const answers = tokens.filter((t) => t.identity === identity.keyMaterial);
    const isDefault = identity.keyMaterial === defaultIdentity.keyMaterial;
    const serial = mfaSerial(identity, settings);
    if (serial) {
      checks.push(mfaCheck(identity, serial, publicOnly, answers, deps));
      const named = isDefault ? profileAccount(settings, identity.profile) : undefined;
      if (named) own = { account: named.account, ...(named.partition ? { partition: named.partition } : {}) };
      continue;
    }
    const result = await stsCheck(
      identity,
      region,
      publicOnly,
      answers.some((t) => t.fresh.state === 'ok'),
      deps,
    );
    checks.push(result.check);
    if (result.own && isDefault) own = result.own;
  }
  return { checks, facts: { own } };
}
