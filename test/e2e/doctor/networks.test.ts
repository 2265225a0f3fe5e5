// doctor when the network is in the way: the AWS endpoints unreachable, and networks without STS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFakeAws } from '../../support/use-fake-aws';
import { doctor, line, setupsOn } from './setup';

const fake = useFakeAws();
const { setup } = setupsOn(fake);

test('the AWS endpoints unreachable: fail, with the proxy hint', async () => {
  const dead = 'http://127.0.0.1:9';
  const result = await doctor(
    setup(undefined, { AWS_ENDPOINT_URL_ECR: dead, AWS_ENDPOINT_URL_STS: dead, AWS_ENDPOINT_URL_ECR_PUBLIC: dead }),
  );
  assert.equal(result.code, 1);
  line(
    result,
    'fail',
    /AWS identity .*cannot reach the STS API endpoint 127\.0\.0\.1:9 \(ECONNREFUSED\); fix: check the network; where only a proxy reaches the internet, set HTTPS_PROXY/,
  );
  line(
    result,
    'fail',
    /cannot reach the ECR API endpoint 127\.0\.0\.1:9 \(ECONNREFUSED\); fix: check the network; where only a proxy reaches the internet, set HTTPS_PROXY/,
  );
});

test('networks without STS: a proxy refusing STS is "not from AWS", a warning while tokens work, never "access denied"', async () => {
  const s = setup();
  fake.fail('sts', 'proxy-refusal', { times: 10 });
  const result = await doctor(s);
  assert.equal(result.code, 0, result.stdout);
  const warning = line(result, 'warn', /AWS identity/);
  assert.match(
    warning,
    /STS GetCallerIdentity failed: the answer from the STS API endpoint is not from AWS \(HTTP 403 without an AWS error/,
  );
  assert.match(warning, /tokens are fetched all the same, so pulls work/);
  assert.doesNotMatch(result.stdout, /access denied/i);
  line(result, 'ok', new RegExp(`token fetched from AWS now`));
});

test('networks without STS: an unreachable STS is a warning while tokens work, a failure when they do not', async () => {
  const works = await doctor(setup(undefined, { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' }));
  assert.equal(works.code, 0, works.stdout);
  assert.match(
    line(works, 'warn', /AWS identity/),
    /cannot reach the STS API endpoint 127\.0\.0\.1:9 \(ECONNREFUSED\).*pulls work/,
  );
  fake.fail('ecr', 'access-denied', { times: 10 });
  const broken = await doctor(setup(undefined, { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' }));
  assert.equal(broken.code, 1);
  assert.match(line(broken, 'fail', /AWS identity/), /cannot reach the STS API endpoint/);
  assert.match(line(broken, 'fail', /token|GetAuthorizationToken/), /ecr:GetAuthorizationToken/);
});
