// AssumeRoleWithWebIdentity: service-account tokens exchanged under a role's trust policy, refused with the
// errors STS gives, and the SDK's fromTokenFile and fromWebToken against it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTokenFile, fromWebToken } from '@aws-sdk/credential-providers';
import { DEFAULT_OIDC_ISSUER, makeWebIdentityToken } from '../fake-aws';
import { credentials, errorOf } from './sdk-clients';
import { useSdkClients } from '../use-fake-aws';

const { fake } = useSdkClients();

describe('web identity (AssumeRoleWithWebIdentity)', () => {
  const WEB_ROLE = 'arn:aws:iam::210987654321:role/eks/ecr-puller';
  const SUBJECT = 'system:serviceaccount:ci:builder';
  let anonymousSts: STSClient;
  before(() => {
    // AssumeRoleWithWebIdentity is unsigned in the STS model: the client needs no credentials.
    anonymousSts = new STSClient({ region: 'us-east-1', endpoint: fake.url, maxAttempts: 1 });
  });
  after(() => anonymousSts.destroy());
  const exchange = (token: string, roleArn = WEB_ROLE, session = 'ecr-credential-provider') =>
    anonymousSts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: session, WebIdentityToken: token }),
    );

  it('exchanges a trusted service-account token, and traces the key to role and subject', async () => {
    fake.trustWebIdentity(WEB_ROLE, { subjects: [SUBJECT] });
    const out = await exchange(makeWebIdentityToken({ sub: SUBJECT }));
    const c = out.Credentials;
    assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken && c.Expiration);
    assert.match(c.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(Math.abs(c.Expiration.getTime() - Date.now() - 3600_000) < 60_000);
    assert.equal(out.SubjectFromWebIdentityToken, SUBJECT);
    assert.equal(out.Audience, 'sts.amazonaws.com');
    assert.equal(out.Provider, DEFAULT_OIDC_ISSUER);
    assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::210987654321:assumed-role/ecr-puller/ecr-credential-provider');
    assert.match(out.AssumedRoleUser?.AssumedRoleId ?? '', /^AROA[A-Z0-9]+:ecr-credential-provider$/);

    const [call] = fake.callsFor('sts');
    assert.equal(call?.action, 'AssumeRoleWithWebIdentity');
    assert.equal(call?.protocol, 'query');
    assert.equal(call?.accessKeyId, undefined, 'the SDK sends it unsigned');
    assert.deepEqual(
      fake.webIdentityCalls.map((w) => [w.roleArn, w.roleSessionName, w.subject, w.outcome, w.accessKeyId]),
      [[WEB_ROLE, 'ecr-credential-provider', SUBJECT, 'ok', c.AccessKeyId]],
    );
    assert.equal(fake.assumedRoles[0]?.subject, SUBJECT);

    const asRole = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    const roleEcr = new ECRClient({ region: 'eu-west-1', endpoint: fake.url, credentials: asRole, maxAttempts: 1 });
    const roleSts = new STSClient({ region: 'eu-west-1', endpoint: fake.url, credentials: asRole, maxAttempts: 1 });
    await roleEcr.send(new GetAuthorizationTokenCommand({}));
    const me = await roleSts.send(new GetCallerIdentityCommand({}));
    roleEcr.destroy();
    roleSts.destroy();
    const principal = fake.principalFor(fake.callsFor('ecr')[0]?.accessKeyId);
    assert.deepEqual(
      principal && [
        principal.source,
        principal.roleArn,
        principal.subject,
        principal.roleSessionName,
        principal.account,
      ],
      ['AssumeRoleWithWebIdentity', WEB_ROLE, SUBJECT, 'ecr-credential-provider', '210987654321'],
    );
    assert.equal(me.Arn, principal?.arn);
    assert.equal(fake.principalFor(credentials.accessKeyId), undefined, 'static keys are nobody the fake issued');
  });

  it('refuses what the trust policy does not allow, with the errors STS gives', async () => {
    const other = 'arn:aws:iam::210987654321:role/other';
    fake.trustWebIdentity(WEB_ROLE, { subjects: ['system:serviceaccount:ci:*'], audience: 'sts.amazonaws.com' });
    fake.trustWebIdentity(other, { subjects: ['*'], audience: 'kubelet-ecr', issuer: 'https://oidc.example.test' });
    // The SDK names an error after the modeled exception its code maps to: the wire code
    // InvalidIdentityToken arrives as InvalidIdentityTokenException; AccessDenied is not modeled.
    const cases: [token: string, roleArn: string, name: string, status: number, message: RegExp][] = [
      // No trust policy for the role at all.
      [
        makeWebIdentityToken({ sub: SUBJECT }),
        'arn:aws:iam::210987654321:role/untrusting',
        'AccessDenied',
        403,
        /^Not authorized to perform sts:AssumeRoleWithWebIdentity$/,
      ],
      [
        makeWebIdentityToken({ sub: 'system:serviceaccount:prod:builder' }),
        WEB_ROLE,
        'AccessDenied',
        403,
        /^Not authorized/,
      ],
      [makeWebIdentityToken({ sub: SUBJECT, aud: 'kubelet-ecr' }), WEB_ROLE, 'AccessDenied', 403, /^Not authorized/],
      // The other role trusts another provider (registered in the account): not this token's issuer.
      [makeWebIdentityToken({ sub: SUBJECT, aud: 'kubelet-ecr' }), other, 'AccessDenied', 403, /^Not authorized/],
      [
        makeWebIdentityToken({ sub: SUBJECT, iss: 'https://oidc.unknown.test' }),
        WEB_ROLE,
        'InvalidIdentityTokenException',
        400,
        /^No OpenIDConnect provider found in your account for https:\/\/oidc\.unknown\.test$/,
      ],
      [
        makeWebIdentityToken({ sub: SUBJECT, exp: Math.floor(Date.now() / 1000) - 10 }),
        WEB_ROLE,
        'ExpiredTokenException',
        400,
        /^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/,
      ],
      ['not-a-jwt', WEB_ROLE, 'InvalidIdentityTokenException', 400, /could not be validated/],
      [
        `${makeWebIdentityToken({ sub: SUBJECT })}\n`,
        WEB_ROLE,
        'InvalidIdentityTokenException',
        400,
        /could not be validated/,
      ],
      [
        makeWebIdentityToken({ sub: undefined }),
        WEB_ROLE,
        'InvalidIdentityTokenException',
        400,
        /could not be validated/,
      ],
      [
        `e30.${Buffer.from('[1]').toString('base64url')}.c2ln`,
        WEB_ROLE,
        'InvalidIdentityTokenException',
        400,
        /could not be validated/,
      ],
    ];
    for (const [token, roleArn, name, status, message] of cases) {
      const err = await errorOf(exchange(token, roleArn));
      assert.equal(err.name, name, `${roleArn} ${token.slice(0, 40)}: ${err.message}`);
      assert.equal(err.$metadata?.httpStatusCode, status, err.name);
      assert.match(err.message, message);
    }
    const badSession = await errorOf(exchange(makeWebIdentityToken({ sub: SUBJECT }), WEB_ROLE, 'x'));
    assert.equal(badSession.name, 'ValidationError');
    assert.match(badSession.message, /roleSessionName.*length greater than or equal to 2/);
    assert.deepEqual(
      fake.webIdentityCalls.map((w) => w.outcome),
      [...cases.map((c) => c[2].replace('InvalidIdentityTokenException', 'InvalidIdentityToken')), 'ValidationError'],
    );
    assert.equal(fake.webIdentityCalls[1]?.subject, 'system:serviceaccount:prod:builder');
    assert.equal(fake.assumedRoles.length, 0);
    assert.equal(fake.calls.at(-1)?.error, 'ValidationError');

    // The wildcard and a token listing several audiences pass; so does the other provider's own token.
    await exchange(
      makeWebIdentityToken({ sub: 'system:serviceaccount:ci:other', aud: ['kubelet', 'sts.amazonaws.com'] }),
    );
    const viaOther = await exchange(
      makeWebIdentityToken({ sub: 'anyone', aud: 'kubelet-ecr', iss: 'https://oidc.example.test' }),
      other,
    );
    assert.equal(viaOther.Audience, 'kubelet-ecr');
    assert.equal(fake.assumedRoles.length, 2);
    fake.reset();
    assert.equal(
      (await errorOf(exchange(makeWebIdentityToken({ sub: SUBJECT })))).name,
      'AccessDenied',
      'reset() forgets trust',
    );
  });

  it('serves fromTokenFile and fromWebToken (nested STS client), and ECR signed with the role', async () => {
    fake.trustWebIdentity(WEB_ROLE, { subjects: [SUBJECT] });
    const dir = mkdtempSync(join(tmpdir(), 'fake-aws-wi-'));
    try {
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, makeWebIdentityToken({ sub: SUBJECT }));
      const provider = fromTokenFile({
        webIdentityTokenFile: tokenFile,
        roleArn: WEB_ROLE,
        roleSessionName: 'from-file',
        clientConfig: { region: 'us-west-2', endpoint: fake.url, maxAttempts: 1 },
      });
      const roleEcr = new ECRClient({ region: 'us-west-2', endpoint: fake.url, credentials: provider, maxAttempts: 1 });
      await roleEcr.send(new GetAuthorizationTokenCommand({}));
      roleEcr.destroy();
      const [exchangeCall, tokenCall] = fake.calls;
      assert.equal(exchangeCall?.action, 'AssumeRoleWithWebIdentity');
      assert.equal(exchangeCall?.accessKeyId, undefined);
      assert.equal(exchangeCall?.region, undefined, 'unsigned, so no credential scope');
      assert.equal(tokenCall?.service, 'ecr');
      assert.equal(fake.principalFor(tokenCall?.accessKeyId)?.subject, SUBJECT);
      assert.equal(fake.principalFor(tokenCall?.accessKeyId)?.roleSessionName, 'from-file');

      const creds = await fromWebToken({
        webIdentityToken: makeWebIdentityToken({ sub: SUBJECT }),
        roleArn: WEB_ROLE,
        roleSessionName: 'from-web-token',
        durationSeconds: 900,
        clientConfig: { region: 'us-west-2', endpoint: fake.url, maxAttempts: 1 },
      })();
      assert.ok(Math.abs((creds.expiration?.getTime() ?? 0) - Date.now() - 900_000) < 60_000);
      // The SDK takes the account from AssumedRoleUser.Arn.
      assert.equal(creds.accountId, '210987654321');
      const refused = await errorOf(
        fromWebToken({
          webIdentityToken: makeWebIdentityToken({ sub: 'system:serviceaccount:x:y' }),
          roleArn: WEB_ROLE,
          clientConfig: { region: 'us-west-2', endpoint: fake.url, maxAttempts: 1 },
        })(),
      );
      assert.equal(refused.name, 'AccessDenied');
      assert.match(fake.webIdentityCalls.at(-1)?.roleSessionName ?? '', /^aws-sdk-js-session-\d+$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
