// Roles that need MFA (requireMfa()): AssumeRole on them must name the device and a one-time code, which is
// single-use as in AWS. Every check is recorded in mfaCalls, refused or not.
import type { FakeCall, MfaCall } from './recorded-calls';
import { accessDenied, type ErrorSpec } from './responses';

export interface MfaRequirement {
  /** The device the caller must name (SerialNumber): a hardware serial or arn:aws:iam::<acct>:mfa/<name>. */
  serialNumber: string;
  /** The one-time code (TokenCode) accepted. Single-use unless allowReuse, as in AWS. */
  code: string;
  allowReuse?: boolean;
}

export interface MfaRules {
  require(roleArn: string, mfa: MfaRequirement): void;
  has(roleArn: string): boolean;
  /** undefined when AssumeRole may go ahead, else STS's refusal. */
  check(call: FakeCall): ErrorSpec | undefined;
  clear(): void;
}

/** callerArn: who signed the call, as the refusal without MFA names them. */
export function createMfaRules(mfaCalls: MfaCall[], callerArn: (accessKeyId: string | undefined) => string): MfaRules {
  const rules = new Map<string, MfaRequirement & { used: Set<string> }>();
  return {
    require(roleArn, mfa) {
      if (typeof mfa?.serialNumber !== 'string' || typeof mfa.code !== 'string')
        throw new Error('requireMfa: serialNumber and code are strings');
      rules.set(roleArn, { ...mfa, used: new Set() });
    },
    has: (roleArn) => rules.has(roleArn),
    clear: () => rules.clear(),
    check(call) {
      const roleArn = String(call.body.RoleArn ?? '');
      const rule = rules.get(roleArn);
      if (!rule) return undefined;
      const serial =
        typeof call.body.SerialNumber === 'string' && call.body.SerialNumber ? call.body.SerialNumber : undefined;
      const code = typeof call.body.TokenCode === 'string' && call.body.TokenCode ? call.body.TokenCode : undefined;
      const record: MfaCall = {
        roleArn,
        ...(serial !== undefined ? { serialNumber: serial } : {}),
        ...(code !== undefined ? { tokenCode: code } : {}),
        ...(call.accessKeyId !== undefined ? { callerAccessKeyId: call.accessKeyId } : {}),
        outcome: 'ok',
        at: Date.now(),
      };
      mfaCalls.push(record);
      const refuse = (outcome: MfaCall['outcome'], message: string): ErrorSpec => {
        record.outcome = outcome;
        return accessDenied(message);
      };
      // The trust policy's aws:MultiFactorAuthPresent condition fails: a plain refusal naming the role.
      if (serial === undefined && code === undefined) {
        return refuse(
          'missing',
          `User: ${callerArn(call.accessKeyId)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        );
      }
      if (serial === undefined || code === undefined) {
        return refuse(
          'incomplete',
          'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.',
        );
      }
      if (serial !== rule.serialNumber) {
        return refuse(
          'invalid-serial',
          'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
        );
      }
      if (code !== rule.code)
        return refuse('invalid-code', 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
      if (rule.used.has(code) && !rule.allowReuse)
        return refuse('reused-code', 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
      rule.used.add(code);
      return undefined;
    },
  };
}
