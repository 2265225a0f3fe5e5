// AssumeRole on a role that requires MFA: the refusals STS gives, single-use codes, and the SDK's mfaCodeProvider.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { credentials, errorOf, ROLE_ARN } from './sdk-clients';
import { useSdkClients } from '../use-fake-aws';

const { fake, sts } = useSdkClients();

describe('AssumeRole with MFA', () => {
  const MFA_ROLE = 'arn:aws:iam::210987654321:role/admin';
  const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
  const assume = (extra: { SerialNumber?: string; TokenCode?: string } = {}) =>
    sts.send(new AssumeRoleCommand({ RoleArn: MFA_ROLE, RoleSessionName: 'alice', ...extra }));

  it('refuses without MFA, with half of it, a wrong device, a wrong or reused code; accepts the right code once', async () => {
    fake.requireMfa(MFA_ROLE, { serialNumber: SERIAL, code: '123456' });
    const refusals: [input: { SerialNumber?: string; TokenCode?: string }, message: RegExp][] = [
      [
        {},
        new RegExp(
          `^User: arn:aws:iam::123456789012:user/${credentials.accessKeyId} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/admin$`,
        ),
      ],
      [
        { SerialNumber: SERIAL },
        /^MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code\.$/,
      ],
      [
        { SerialNumber: 'arn:aws:iam::123456789012:mfa/bob', TokenCode: '123456' },
        /^MultiFactorAuthentication failed, unable to validate MFA code\. {2}Please verify your MFA serial number/,
      ],
      [
        { SerialNumber: SERIAL, TokenCode: '654321' },
        /^MultiFactorAuthentication failed with invalid MFA one time pass code\.$/,
      ],
    ];
    for (const [input, message] of refusals) {
      const err = await errorOf(assume(input));
      assert.equal(err.name, 'AccessDenied', JSON.stringify(input));
      assert.equal(err.$metadata?.httpStatusCode, 403);
      assert.match(err.message, message);
    }
    const ok = await assume({ SerialNumber: SERIAL, TokenCode: '123456' });
    assert.ok(ok.Credentials?.AccessKeyId);
    assert.equal(fake.assumedRoles[0]?.mfaSerialNumber, SERIAL);
    assert.equal(fake.principalFor(ok.Credentials?.AccessKeyId)?.mfaSerialNumber, SERIAL);
    // One-time codes are one-time.
    assert.match(
      (await errorOf(assume({ SerialNumber: SERIAL, TokenCode: '123456' }))).message,
      /invalid MFA one time pass code/,
    );
    assert.deepEqual(
      fake.mfaCalls.map((m) => m.outcome),
      ['missing', 'incomplete', 'invalid-serial', 'invalid-code', 'ok', 'reused-code'],
    );
    assert.equal(fake.mfaCalls.filter((m) => m.outcome === 'ok').length, 1);
    assert.equal(fake.mfaCalls[3]?.tokenCode, '654321');
    assert.equal(fake.mfaCalls[0]?.callerAccessKeyId, credentials.accessKeyId);
    // Roles without the requirement are untouched.
    await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'no-mfa' }));
    assert.equal(fake.mfaCalls.length, 6);
    fake.requireMfa(MFA_ROLE, { serialNumber: SERIAL, code: '111111', allowReuse: true });
    await assume({ SerialNumber: SERIAL, TokenCode: '111111' });
    await assume({ SerialNumber: SERIAL, TokenCode: '111111' });
  });

  it('serves fromTemporaryCredentials with an mfaCodeProvider', async () => {
    fake.requireMfa(MFA_ROLE, { serialNumber: SERIAL, code: '424242' });
    const asked: string[] = [];
    const provider = fromTemporaryCredentials({
      masterCredentials: credentials,
      params: { RoleArn: MFA_ROLE, RoleSessionName: 'mfa', SerialNumber: SERIAL },
      mfaCodeProvider: async (serial) => {
        asked.push(serial);
        return '424242';
      },
      clientConfig: { region: 'us-east-1', endpoint: fake.url, maxAttempts: 1 },
    });
    const creds = await provider();
    assert.deepEqual(asked, [SERIAL]);
    assert.equal(fake.principalFor(creds.accessKeyId)?.roleArn, MFA_ROLE);
    assert.deepEqual(fake.callsFor('sts')[0]?.body.TokenCode, '424242');
    // A second exchange with the same code is refused, as AWS refuses a reused code.
    const again = await errorOf(provider());
    assert.equal(again.name, 'AccessDenied');
    assert.equal(fake.mfaCalls.length, 2);
  });
});
