// The trust policies of AssumeRoleWithWebIdentity: per role, which service-account subjects, audience and OIDC
// provider may assume it (trustWebIdentity()). A role without one refuses every token, like a role whose trust
// policy names no OIDC provider. Every check is recorded in webIdentityCalls, refused or not.
import type { Clock } from './clock';
import { DEFAULT_OIDC_ISSUER, DEFAULT_WEB_IDENTITY_AUDIENCE } from './constants';
import type { FakeCall, WebIdentityCall } from './recorded-calls';
import { accessDenied, type ErrorSpec } from './responses';
import { decodeWebIdentityToken } from './web-identity-token';

/** Conditions of a role's trust policy for web identities (StringLike on `sub` and `aud`). */
export interface WebIdentityTrust {
  /** Allowed `sub` claims; '*' and '?' are wildcards, as in IAM's StringLike. */
  subjects: readonly string[];
  /** The `aud` the token must carry (among others, if a list); DEFAULT_WEB_IDENTITY_AUDIENCE by default. Wildcards allowed. */
  audience?: string;
  /** The OIDC provider (`iss`) the role trusts; DEFAULT_OIDC_ISSUER by default. Compared without https://. */
  issuer?: string;
}

export interface WebIdentityTrusts {
  trust(roleArn: string, trust: WebIdentityTrust): void;
  /** The claims that passed, or the error STS gives. */
  check(call: FakeCall): { error: ErrorSpec } | { subject: string; audience: string; issuer: string };
  clear(): void;
}

/** IAM's StringLike: '*' any run of characters, '?' any one. */
function stringLike(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

function withoutScheme(issuer: string): string {
  return issuer.replace(/^https:\/\//, '').replace(/\/+$/, '');
}

export function createWebIdentityTrusts(clock: Clock, webIdentityCalls: WebIdentityCall[]): WebIdentityTrusts {
  const trusts = new Map<string, WebIdentityTrust>();
  return {
    trust(roleArn, trust) {
      if (
        !Array.isArray(trust?.subjects) ||
        trust.subjects.length === 0 ||
        !trust.subjects.every((x) => typeof x === 'string')
      ) {
        throw new Error("trustWebIdentity: subjects must be a non-empty list of strings (use ['*'] for any)");
      }
      trusts.set(roleArn, { ...trust, subjects: [...trust.subjects] });
    },
    clear: () => trusts.clear(),
    check(call) {
      const roleArn = String(call.body.RoleArn ?? '');
      const record: WebIdentityCall = {
        roleArn,
        roleSessionName: String(call.body.RoleSessionName ?? ''),
        outcome: 'ok',
        at: Date.now(),
      };
      webIdentityCalls.push(record);
      const refuse = (error: ErrorSpec): { error: ErrorSpec } => {
        record.outcome = error.code as WebIdentityCall['outcome'];
        return { error };
      };
      const token = call.body.WebIdentityToken;
      if (typeof token !== 'string') {
        return refuse({
          status: 400,
          code: 'ValidationError',
          message:
            "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null",
          type: 'Sender',
        });
      }
      const claims = decodeWebIdentityToken(token);
      if (claims && typeof claims.sub === 'string') record.subject = claims.sub;
      if (claims && (typeof claims.aud === 'string' || Array.isArray(claims.aud)))
        record.audience = claims.aud as string | string[];
      if (claims && typeof claims.iss === 'string') record.issuer = claims.iss;
      if (!claims || typeof claims.iss !== 'string' || typeof claims.sub !== 'string') {
        return refuse({
          status: 400,
          code: 'InvalidIdentityToken',
          message:
            'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
          type: 'Sender',
        });
      }
      const { iss, sub } = claims;
      // The account's OIDC providers: every issuer some role trusts, and the default one.
      const providers = new Set(
        [DEFAULT_OIDC_ISSUER, ...[...trusts.values()].map((t) => t.issuer ?? DEFAULT_OIDC_ISSUER)].map(withoutScheme),
      );
      if (!providers.has(withoutScheme(iss))) {
        return refuse({
          status: 400,
          code: 'InvalidIdentityToken',
          message: `No OpenIDConnect provider found in your account for ${iss}`,
          type: 'Sender',
        });
      }
      const nowSeconds = Math.floor(clock.now() / 1000);
      if (typeof claims.exp === 'number' && claims.exp <= nowSeconds) {
        return refuse({
          status: 400,
          code: 'ExpiredTokenException',
          // Sic: AWS prints no space before the second number.
          message: `Token expired: current date/time ${nowSeconds} must be before the expiration date/time${Math.floor(claims.exp)}`,
          type: 'Sender',
        });
      }
      const trust = trusts.get(roleArn);
      const auds = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter(
        (a): a is string => typeof a === 'string',
      );
      const audience = auds.find((a) => stringLike(trust?.audience ?? DEFAULT_WEB_IDENTITY_AUDIENCE, a));
      const trusted =
        trust !== undefined &&
        withoutScheme(trust.issuer ?? DEFAULT_OIDC_ISSUER) === withoutScheme(iss) &&
        audience !== undefined &&
        trust.subjects.some((pattern) => stringLike(pattern, sub));
      if (!trusted) return refuse(accessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity'));
      return { subject: sub, audience: audience, issuer: iss };
    },
  };
}
