// STS in awsQuery against @aws-sdk/client-sts and the nested client behind fromTemporaryCredentials: AssumeRole,
// GetCallerIdentity, and ECR signed with the role's keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { credentials, ROLE_ARN } from './sdk-clients';
import { useSdkClients } from '../use-fake-aws';

const { fake, sts } = useSdkClients();

describe('fake AWS with the real SDK clients: STS', () => {
  it('speaks awsQuery STS to @aws-sdk/client-sts: AssumeRole and GetCallerIdentity', async () => {
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'ci-run', ExternalId: 'ext-42' }),
    );
    const again = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'ci-run' }));
    const c = assumed.Credentials;
    assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken && c.Expiration);
    assert.match(c.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.notEqual(c.AccessKeyId, again.Credentials?.AccessKeyId);
    assert.ok(Math.abs(c.Expiration.getTime() - Date.now() - 3600_000) < 60_000);
    assert.equal(assumed.AssumedRoleUser?.Arn, 'arn:aws:sts::210987654321:assumed-role/deployer/ci-run');

    const [call] = fake.callsFor('sts');
    assert.equal(call.protocol, 'query');
    assert.equal(call.action, 'AssumeRole');
    assert.equal(call.signingService, 'sts');
    assert.deepEqual(call.body, {
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'ci-run',
      ExternalId: 'ext-42',
    });
    assert.deepEqual(
      fake.assumedRoles.map((r) => [r.roleArn, r.roleSessionName, r.externalId, r.callerAccessKeyId, r.accessKeyId]),
      [
        [ROLE_ARN, 'ci-run', 'ext-42', credentials.accessKeyId, c.AccessKeyId],
        [ROLE_ARN, 'ci-run', undefined, credentials.accessKeyId, again.Credentials?.AccessKeyId],
      ],
    );

    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Account, '123456789012');
    assert.equal(me.Arn, `arn:aws:iam::123456789012:user/${credentials.accessKeyId}`);
    assert.ok(me.UserId);

    const asRole = new STSClient({
      region: 'us-east-1',
      endpoint: fake.url,
      maxAttempts: 1,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
    const role = await asRole.send(new GetCallerIdentityCommand({}));
    asRole.destroy();
    assert.equal(role.Arn, 'arn:aws:sts::210987654321:assumed-role/deployer/ci-run');
    assert.equal(role.Account, '210987654321');
    const last = fake.calls.at(-1);
    assert.equal(last?.accessKeyId, c.AccessKeyId);
    assert.equal(last?.sessionToken, c.SessionToken);
  });

  it('serves the nested-clients STS behind fromTemporaryCredentials, and ECR signed with the role', async () => {
    const provider = fromTemporaryCredentials({
      masterCredentials: credentials,
      params: { RoleArn: ROLE_ARN, RoleSessionName: 'nested', ExternalId: 'ext-nested' },
      clientConfig: { region: 'us-west-2', endpoint: fake.url, maxAttempts: 1 },
    });
    const roleEcr = new ECRClient({ region: 'us-west-2', endpoint: fake.url, credentials: provider, maxAttempts: 1 });
    await roleEcr.send(new GetAuthorizationTokenCommand({}));
    roleEcr.destroy();
    const [assume, token] = fake.calls;
    assert.equal(assume.service, 'sts');
    assert.equal(assume.protocol, 'query');
    assert.equal(assume.region, 'us-west-2');
    assert.equal(assume.body.ExternalId, 'ext-nested');
    // The nested client identifies itself as its own (older) package version.
    assert.notEqual(assume.userAgent, fake.calls.find((x) => x.service === 'ecr')?.userAgent);
    assert.equal(token.service, 'ecr');
    assert.equal(token.accessKeyId, fake.assumedRoles[0].accessKeyId);
    assert.equal(token.sessionToken, fake.assumedRoles[0].sessionToken);
    assert.equal(fake.issued[0].accessKeyId, fake.assumedRoles[0].accessKeyId);
  });
});
