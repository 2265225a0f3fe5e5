// classify()/explain() as a whole (src/aws/explain.ts): what no family answers, the one line explain() makes of a
// failure, and the errors the real SDK clients produce live against the fake AWS, each reaching its family. One case
// per mapping is in explain-credentials, explain-network and explain-answer.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { TokenFetchError } from '../../src/platform/errors';
import { classify, explain } from '../../src/aws/explain';
import { type Fault } from '../support/fake-aws';
import { useFakeAws } from '../support/use-fake-aws';
import { assertClass, ecrError, PRIVATE, PRIVATE_FETCH, STS } from './sdk-errors';

describe('classify: one mapping each', () => {
  test('anything else: the debug log', () => {
    assertClass(new Error('something new'), PRIVATE, 'unknown', 'DOCKER_CREDENTIAL_ECR_LOG=debug');
    assertClass('a string', PRIVATE, 'unknown', 'DOCKER_CREDENTIAL_ECR_LOG=debug');
  });
});

describe('explain', () => {
  test('one line naming host, API, region and identity, then the hint', () => {
    const error = explain(
      ecrError('AccessDeniedException', 400, 'User: x is not authorized to perform: ecr:GetAuthorizationToken'),
      { ...PRIVATE_FETCH, requestedHost: 'registry.corp.example' },
    );
    assert.ok(error instanceof TokenFetchError);
    assert.equal(error.category, 'access-denied');
    assert.match(
      error.message,
      /^registry\.corp\.example \(123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\): no token from the ECR API in eu-west-1 as environment key AKIAEXAMPLE0000001: access denied .*; the identity .* needs IAM permission ecr:GetAuthorizationToken$/,
    );
    assert.doesNotMatch(error.message, /\n/);
  });

  test('strips control characters from AWS messages, and passes TokenFetchError through', () => {
    const error = explain(new Error('bad\x1b[31m red\nline'), PRIVATE_FETCH);
    assert.doesNotMatch(error.message, /\x1b|\n/);
    const already = new TokenFetchError('m', 'h', 'bad-response');
    assert.equal(explain(already, PRIVATE_FETCH), already);
  });
});

describe('classify on errors the real SDK produces against the fake AWS', () => {
  const fake = useFakeAws();
  const credentials = { accessKeyId: 'AKIAEXAMPLE0000001', secretAccessKey: 'not-a-secret' };

  async function ecrFailure(fault: Fault): Promise<unknown> {
    fake.reset();
    fake.fail('ecr', fault);
    const client = new ECRClient({ region: 'eu-west-1', endpoint: fake.url, credentials, maxAttempts: 1 });
    try {
      await client.send(new GetAuthorizationTokenCommand({}));
      return assert.fail('expected a failure');
    } catch (error) {
      return error;
    } finally {
      client.destroy();
    }
  }

  const CASES: Array<[Fault, string]> = [
    ['access-denied', 'access-denied'],
    ['throttle', 'throttled'],
    ['http-500', 'server-error'],
    ['expired-credentials', 'expired-credentials'],
    ['unrecognized-client', 'invalid-credentials'],
    ['invalid-signature', 'clock-skew'],
    ['malformed', 'bad-response'],
  ];
  for (const [fault, category] of CASES) {
    test(`ECR ${String(fault)} -> ${category}`, async () => {
      assert.equal(classify(await ecrFailure(fault), PRIVATE).category, category);
    });
  }

  test('STS GetCallerIdentity: expired and invalid credentials', async () => {
    const client = new STSClient({ region: 'us-east-1', endpoint: fake.url, credentials, maxAttempts: 1 });
    try {
      for (const [fault, category] of [
        ['expired-credentials', 'expired-credentials'],
        ['unrecognized-client', 'invalid-credentials'],
      ] as const) {
        fake.reset();
        fake.fail('sts', fault);
        const error = await client.send(new GetCallerIdentityCommand({})).then(
          () => assert.fail('expected a failure'),
          (e: unknown) => e,
        );
        assert.equal(classify(error, STS).category, category);
      }
    } finally {
      client.destroy();
    }
  });

  test('connection refused, and a certificate the client does not trust', async () => {
    const refused = new ECRClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials, maxAttempts: 1 });
    const untrusting = new ECRClient({
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsProxyAgent(fake.url) }),
    });
    try {
      const a = await refused.send(new GetAuthorizationTokenCommand({})).then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e,
      );
      assertClass(a, PRIVATE, 'unreachable', 'HTTPS_PROXY');
      const b = await untrusting.send(new GetAuthorizationTokenCommand({})).then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e,
      );
      assertClass(b, PRIVATE, 'unreachable', 'AWS_CA_BUNDLE');
    } finally {
      refused.destroy();
      untrusting.destroy();
    }
  });
});
