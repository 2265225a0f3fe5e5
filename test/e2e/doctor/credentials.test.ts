// doctor on the AWS side: denied, missing or expired credentials, a refused GetCallerIdentity, and ECR Public,
// whose images are pulled anonymously without a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFakeAws } from '../../support/use-fake-aws';
import { doctor, line, setupsOn } from './setup';

const fake = useFakeAws();
const { setup, assertNoSecrets } = setupsOn(fake);

test('AccessDenied from ECR: fail naming the IAM action', async () => {
  fake.fail('ecr', 'access-denied');
  const result = await doctor(setup());
  assert.equal(result.code, 1);
  line(result, 'ok', /AWS identity arn:aws:iam::123456789012/);
  line(
    result,
    'fail',
    /no token from the ECR API in eu-west-1 as environment key AKIADOCTORTESTKEY001: access denied .*; fix: the identity \(environment key AKIADOCTORTESTKEY001\) needs IAM permission ecr:GetAuthorizationToken$/,
  );
  assertNoSecrets(result);
});

test('no credentials: fail, fix is aws configure / aws sso login', async () => {
  const s = setup();
  delete (s.env as Record<string, string | undefined>).AWS_ACCESS_KEY_ID;
  delete (s.env as Record<string, string | undefined>).AWS_SECRET_ACCESS_KEY;
  const result = await doctor(s);
  assert.equal(result.code, 1);
  line(
    result,
    'fail',
    /AWS identity \(.*\): no usable credentials: no AWS credentials were found.*; fix: run `aws configure` or `aws sso login`, or set AWS_PROFILE$/,
  );
  line(
    result,
    'fail',
    /123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com: no token .*no AWS credentials were found.*; fix: run `aws configure`/,
  );
  assert.equal(fake.calls.length, 0);
});

test('expired credentials: fail, fix says how to renew them', async () => {
  fake.fail('sts', 'expired-credentials');
  fake.fail('ecr', 'expired-credentials');
  const result = await doctor(setup(undefined, { AWS_SESSION_TOKEN: 'doctor-session-token-never-printed' }));
  assert.equal(result.code, 1);
  line(
    result,
    'fail',
    /AWS identity .*STS GetCallerIdentity failed: the AWS credentials \(environment key AKIADOCTORTESTKEY001\) have expired; fix: refresh them: renew AWS_SESSION_TOKEN/,
  );
  line(result, 'fail', /no token from the ECR API .* have expired; fix: refresh them: renew AWS_SESSION_TOKEN/);
  assert.doesNotMatch(result.stdout + result.stderr, /doctor-session-token-never-printed/);
});

test('a refused GetCallerIdentity (it needs no permission) names no IAM action at all; a failure when tokens fail too', async () => {
  fake.fail('sts', 'access-denied', { times: 10 });
  fake.fail('ecr', 'access-denied', { times: 10 });
  const result = await doctor(setup());
  assert.equal(result.code, 1);
  const failure = line(result, 'fail', /AWS identity/);
  assert.match(failure, /refused the call .*which needs no IAM permission/);
  assert.doesNotMatch(failure, /IAM permission (sts|ecr|ecr-public):/);
});

test('ECR Public without a token is a warning (public images are pulled anonymously): exit 0', async () => {
  fake.fail('ecr-public', 'access-denied');
  const result = await doctor(setup({ credHelpers: { 'public.ecr.aws': 'ecr' } }));
  assert.equal(result.code, 0, result.stdout);
  line(
    result,
    'warn',
    /public\.ecr\.aws: no token from the ECR Public API .*pulled anonymously.*; fix: .*ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken/,
  );
});

test('only public registries and no AWS credentials: warnings (anonymous pulls work), exit 0', async () => {
  const s = setup({ credHelpers: { 'public.ecr.aws': 'ecr', 'ecr-public.aws.com': 'ecr' } });
  delete (s.env as Record<string, string | undefined>).AWS_ACCESS_KEY_ID;
  delete (s.env as Record<string, string | undefined>).AWS_SECRET_ACCESS_KEY;
  const result = await doctor(s);
  assert.equal(result.code, 0, result.stdout);
  line(
    result,
    'warn',
    /AWS identity .*no AWS credentials were found.*only ECR Public uses it here.*; fix: run `aws configure`/,
  );
  line(result, 'warn', /public\.ecr\.aws: no token from the ECR Public API .*pulled anonymously/);
});
