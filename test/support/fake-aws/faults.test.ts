// Failure injection: each fault becomes the error the SDK raises against AWS, in each service's dialect; faults
// queue, slow down, hang, and end with close().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { GetAuthorizationTokenCommand as GetPublicAuthorizationTokenCommand } from '@aws-sdk/client-ecr-public';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  ECR_GET_AUTHORIZATION_TOKEN_TARGET,
  OVERSIZED_BYTES,
  startFakeAws,
  type Fault,
  type Service,
} from '../fake-aws';
import { credentials, errorOf, ROLE_ARN } from './sdk-clients';
import { useSdkClients } from '../use-fake-aws';

const { fake, ecr, ecrPublic, sts } = useSdkClients();

describe('faults become the SDK errors the helper will see', () => {
  // ECR and ECR Public share the AWS JSON dialect, so the same conditions carry the same names.
  const jsonErrors: Record<string, [name: string, status: number, fault: 'client' | 'server']> = {
    'access-denied': ['AccessDeniedException', 400, 'client'],
    throttle: ['ThrottlingException', 400, 'client'],
    'http-500': ['ServerException', 500, 'server'],
    'expired-credentials': ['ExpiredTokenException', 400, 'client'],
    'unrecognized-client': ['UnrecognizedClientException', 400, 'client'],
    'invalid-signature': ['InvalidSignatureException', 400, 'client'],
  };
  const expected: Record<Service, Record<string, [name: string, status: number, fault: 'client' | 'server']>> = {
    ecr: jsonErrors,
    'ecr-public': jsonErrors,
    // STS's query dialect has its own codes for the same conditions.
    sts: {
      'access-denied': ['AccessDenied', 403, 'client'],
      throttle: ['Throttling', 400, 'client'],
      'http-500': ['InternalFailure', 500, 'server'],
      'expired-credentials': ['ExpiredToken', 403, 'client'],
      'unrecognized-client': ['InvalidClientTokenId', 403, 'client'],
      'invalid-signature': ['SignatureDoesNotMatch', 403, 'client'],
    },
  };
  const callFor = (service: Service): Promise<unknown> =>
    service === 'ecr'
      ? ecr.send(new GetAuthorizationTokenCommand({}))
      : service === 'ecr-public'
        ? ecrPublic.send(new GetPublicAuthorizationTokenCommand({}))
        : sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'faulty' }));

  for (const service of ['ecr', 'ecr-public', 'sts'] as const) {
    it(`${service}: named errors`, async () => {
      for (const [fault, [name, status, kind]] of Object.entries(expected[service])) {
        fake.fail(service, fault as Fault, { times: 1 });
        const err = await errorOf(callFor(service));
        assert.equal(err.name, name, `${service} ${fault}: ${err.message}`);
        assert.equal(err.$metadata?.httpStatusCode, status, `${service} ${fault}`);
        assert.equal(err.$fault, kind, `${service} ${fault}`);
        if (fault === 'access-denied') assert.match(err.message, /is not authorized to perform/);
        if (fault === 'expired-credentials')
          assert.match(err.message, /security token included in the request is expired/);
        if (fault === 'invalid-signature') assert.match(err.message, /^Signature expired/);
      }
      assert.deepEqual(
        fake.calls.map((c) => c.fault),
        Object.keys(expected[service]),
      );
      await callFor(service); // every fault was used up
    });
  }

  it('malformed, empty and oversized answers', async () => {
    fake.fail('ecr', 'malformed', { times: 1 });
    assert.equal((await errorOf(ecr.send(new GetAuthorizationTokenCommand({})))).name, 'SyntaxError');
    fake.fail('sts', 'malformed', { times: 1 });
    assert.match((await errorOf(sts.send(new GetCallerIdentityCommand({})))).message, /XML parse error/);

    fake.fail('ecr', 'empty', { times: 1 });
    assert.deepEqual((await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData, []);
    fake.fail('ecr-public', 'empty', { times: 1 });
    assert.equal(
      (await ecrPublic.send(new GetPublicAuthorizationTokenCommand({}))).authorizationData?.authorizationToken,
      undefined,
    );
    fake.fail('sts', 'empty', { times: 1 });
    assert.equal(
      (await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'e' }))).Credentials,
      undefined,
    );

    fake.fail('ecr', 'oversized', { times: 1 });
    const big = await ecr.send(new GetAuthorizationTokenCommand({}));
    const token = big.authorizationData?.[0].authorizationToken ?? '';
    assert.ok(token.length > OVERSIZED_BYTES, `token length ${token.length}`);
    assert.equal(fake.issued.at(-1)?.authorizationToken, token);
  });

  it('queues faults: times, then the next fault, then success', async () => {
    fake.fail('ecr', 'throttle', { times: 2 });
    fake.fail('ecr', 'access-denied', { times: 1 });
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      names.push(
        await ecr.send(new GetAuthorizationTokenCommand({})).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      );
    }
    assert.deepEqual(names, ['ThrottlingException', 'ThrottlingException', 'AccessDeniedException', 'ok']);
    fake.fail('ecr', 'http-500');
    for (let i = 0; i < 3; i++)
      assert.equal((await errorOf(ecr.send(new GetAuthorizationTokenCommand({})))).name, 'ServerException');
    await ecrPublic.send(new GetPublicAuthorizationTokenCommand({})); // other services unaffected
    fake.reset();
    await ecr.send(new GetAuthorizationTokenCommand({}));
  });

  it('lets the default retry strategy retry a 500 and succeed', async () => {
    // http-500 rather than throttle: the SDK's backoff base for throttling is 500 ms, for 5xx 100 ms.
    const retrying = new ECRClient({ region: 'eu-west-1', endpoint: fake.url, credentials, maxAttempts: 3 });
    fake.fail('ecr', 'http-500', { times: 1 });
    const out = await retrying.send(new GetAuthorizationTokenCommand({}));
    retrying.destroy();
    assert.equal(out.$metadata.attempts, 2);
    assert.equal(fake.calls.length, 2);
  });

  it('slow and hang', async () => {
    fake.fail('ecr', { slow: 150 }, { times: 1 });
    const t0 = Date.now();
    await ecr.send(new GetAuthorizationTokenCommand({}));
    assert.ok(Date.now() - t0 >= 140, `answered after ${Date.now() - t0} ms`);

    fake.fail('ecr', 'hang');
    const impatient = new ECRClient({
      region: 'eu-west-1',
      endpoint: fake.url,
      credentials,
      maxAttempts: 1,
      // Without throwOnRequestTimeout this handler version only logs a warning and keeps waiting.
      requestHandler: new NodeHttpHandler({ requestTimeout: 150, throwOnRequestTimeout: true }),
    });
    const err = await errorOf(impatient.send(new GetAuthorizationTokenCommand({})));
    impatient.destroy();
    assert.equal(err.name, 'TimeoutError');
  });

  it('close() ends hung requests', async () => {
    const own = await startFakeAws();
    own.fail('ecr', 'hang');
    const client = new ECRClient({ region: 'eu-west-1', endpoint: own.url, credentials, maxAttempts: 1 });
    const pending = errorOf(client.send(new GetAuthorizationTokenCommand({})));
    while (own.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    await own.close();
    assert.ok(Date.now() - t0 < 1000);
    assert.match((await pending).message, /socket hang up|ECONNRESET/i);
    client.destroy();
  });

  it('rejects unsigned calls like AWS does', async () => {
    const res = await fetch(fake.url, {
      method: 'POST',
      headers: { 'x-amz-target': ECR_GET_AUTHORIZATION_TOKEN_TARGET, 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.equal(fake.issued.length, 0);
  });

  it('rejects unknown services and faults', () => {
    assert.throws(() => fake.fail('ecr', 'nope' as Fault), /unknown fault/);
    assert.throws(() => fake.fail('s3' as Service, 'throttle'), /unknown service/);
  });
});
