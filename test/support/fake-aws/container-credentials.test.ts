// The container-credentials endpoint (EKS Pod Identity / ECS) against the SDK's fromHttp and
// fromContainerMetadata: the token check, the role served, and its faults.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromContainerMetadata, fromHttp } from '@aws-sdk/credential-providers';
import { errorOf, withEnv } from './sdk-clients';
import { useSdkClients } from '../use-fake-aws';

const { fake } = useSdkClients();

describe('container credentials (EKS Pod Identity / ECS)', () => {
  let dir: string;
  let tokenFile: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-aws-pod-'));
    tokenFile = join(dir, 'eks-pod-identity-token');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => writeFileSync(tokenFile, fake.containerAuthorizationToken));
  const viaHttp = (extra: Parameters<typeof fromHttp>[0] = {}) =>
    fromHttp({
      awsContainerCredentialsFullUri: fake.containerCredentialsUrl,
      awsContainerAuthorizationTokenFile: tokenFile,
      maxRetries: 0,
      ...extra,
    });

  it('serves fromHttp with the token file, and ECR signed with the pod role', async () => {
    assert.match(fake.containerCredentialsUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1\/credentials$/);
    const creds = await viaHttp()();
    assert.match(creds.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(creds.sessionToken);
    assert.ok(Math.abs((creds.expiration?.getTime() ?? 0) - Date.now() - 3600_000) < 60_000);
    assert.deepEqual(
      fake.containerCalls.map((c) => [c.method, c.path, c.authorization, c.status, c.accessKeyId]),
      [['GET', '/v1/credentials', fake.containerAuthorizationToken, 200, creds.accessKeyId]],
    );
    const podEcr = new ECRClient({ region: 'eu-west-1', endpoint: fake.url, credentials: creds, maxAttempts: 1 });
    const podSts = new STSClient({ region: 'eu-west-1', endpoint: fake.url, credentials: creds, maxAttempts: 1 });
    await podEcr.send(new GetAuthorizationTokenCommand({}));
    const me = await podSts.send(new GetCallerIdentityCommand({}));
    podEcr.destroy();
    podSts.destroy();
    const principal = fake.principalFor(fake.callsFor('ecr')[0]?.accessKeyId);
    assert.equal(principal?.source, 'container');
    assert.equal(principal?.roleArn, 'arn:aws:iam::123456789012:role/fake-pod-role');
    assert.equal(me.Arn, principal?.arn);
    assert.match(me.Arn ?? '', /^arn:aws:sts::123456789012:assumed-role\/fake-pod-role\/eks-fake-cluster-pod-\d+$/);

    fake.setContainerCredentials({
      roleArn: 'arn:aws:iam::333333333333:role/team/puller',
      sessionName: 'pod-x',
      lifetimeSeconds: 600,
    });
    const other = await viaHttp()();
    assert.ok(Math.abs((other.expiration?.getTime() ?? 0) - Date.now() - 600_000) < 60_000);
    assert.equal(
      fake.principalFor(other.accessKeyId)?.arn.replace(/-\d+$/, ''),
      'arn:aws:sts::333333333333:assumed-role/puller/pod-x',
    );
  });

  it('answers 401 without Authorization and 403 with a wrong one', async () => {
    const missing = await errorOf(
      fromHttp({ awsContainerCredentialsFullUri: fake.containerCredentialsUrl, maxRetries: 0 })(),
    );
    assert.match(missing.message, /Server responded with status: 401/);
    writeFileSync(tokenFile, 'not-the-token');
    const wrong = await errorOf(viaHttp()());
    assert.match(wrong.message, /Server responded with status: 403/);
    fake.setContainerCredentials({ authorizationToken: 'rotated' });
    writeFileSync(tokenFile, 'rotated');
    await viaHttp()();
    assert.deepEqual(
      fake.containerCalls.map((c) => [c.authorization, c.status]),
      [
        [undefined, 401],
        ['not-the-token', 403],
        ['rotated', 200],
      ],
    );
    // A token file ending in a newline never reaches the wire: Node refuses the header value.
    writeFileSync(tokenFile, 'rotated\n');
    assert.match((await errorOf(viaHttp()())).message, /Invalid character in header content|ERR_INVALID_CHAR/);
    assert.equal(fake.containerCalls.length, 3);
  });

  it('serves fromContainerMetadata (AWS_CONTAINER_AUTHORIZATION_TOKEN), which also passes AccountId on', async () => {
    const creds = await withEnv(
      {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerCredentialsUrl,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: fake.containerAuthorizationToken,
      },
      () => fromContainerMetadata({ maxRetries: 0, timeout: 1000 })(),
    );
    // fromHttp (first in the default chain) drops AccountId; fromContainerMetadata keeps it.
    assert.equal(creds.accountId, '123456789012');
    assert.equal(fake.principalFor(creds.accessKeyId)?.source, 'container');
    const viaFromHttp = await viaHttp()();
    assert.equal(viaFromHttp.accountId, undefined);
  });

  it('container faults: 500 then retried, expired credentials, hang against the provider timeout', async () => {
    fake.fail('container', 'http-500', { times: 1 });
    const creds = await viaHttp({ maxRetries: 1, timeout: 50 })();
    assert.deepEqual(
      fake.containerCalls.map((c) => [c.status, c.fault]),
      [
        [500, 'http-500'],
        [200, undefined],
      ],
    );
    assert.ok(creds.accessKeyId);
    fake.fail('container', 'expired-credentials', { times: 1 });
    assert.ok(((await viaHttp()()).expiration?.getTime() ?? Infinity) < Date.now());
    // A hung agent: fromContainerMetadata's timeout is a socket idle timeout and fires.
    fake.fail('container', 'hang', { times: 1 });
    const t0 = Date.now();
    const err = await withEnv(
      {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerCredentialsUrl,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: fake.containerAuthorizationToken,
      },
      () => errorOf(fromContainerMetadata({ maxRetries: 0, timeout: 200 })()),
    );
    assert.ok(Date.now() - t0 >= 190 && Date.now() - t0 < 5000, `gave up after ${Date.now() - t0} ms`);
    assert.match(err.message, /TimeoutError from instance metadata service/);
    assert.equal(fake.containerCalls.at(-1)?.fault, 'hang');
    assert.throws(() => fake.fail('container', 'invalid-signature'), /no invalid-signature fault/);
  });
});
