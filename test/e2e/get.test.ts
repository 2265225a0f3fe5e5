// `get` through the built executable and the real AWS SDK, against the fake AWS on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeAws } from '../support/fake-aws';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';
import { helperEnv } from '../support/helper-bin';
import { NOT_FOUND_MESSAGE } from '../../src/platform/errors';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const fake = useFakeAws();

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { ...helperEnv(fake.url, tempDir()), ...extra };
}

test('a private registry: token from the ECR API in the host region, then from the cache', async () => {
  const e = env();
  const first = await runExecutable(['get'], { stdin: HOST, env: e });
  assert.equal(first.stderr, '');
  assert.equal(first.code, 0);
  const answer = JSON.parse(first.stdout);
  assert.equal(fake.callsFor('ecr').length, 1);
  const call = fake.callsFor('ecr')[0];
  assert.equal(call.region, 'eu-west-1');
  assert.equal(call.accessKeyId, 'AKIAE2ETESTKEY000001');
  assert.equal(call.target, 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken');
  assert.deepEqual(answer, { ServerURL: HOST, Username: 'AWS', Secret: fake.issued[0].password });
  assert.equal(first.stdout, `${JSON.stringify(answer)}\n`);

  const second = await runExecutable(['get'], { stdin: HOST, env: e });
  assert.equal(second.code, 0);
  assert.equal(JSON.parse(second.stdout).Secret, answer.Secret);
  assert.equal(fake.callsFor('ecr').length, 1, 'the second get must come from the cache');

  const cacheDir = join(e.HOME, '.cache', 'docker-credential-ecr');
  assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
  for (const name of readdirSync(cacheDir)) assert.equal(statSync(join(cacheDir, name)).mode & 0o777, 0o600, name);
});

test('public.ecr.aws and ecr-public.aws.com share one ECR Public token from us-east-1', async () => {
  const e = env();
  const a = await runExecutable(['get'], { stdin: 'public.ecr.aws', env: e });
  const b = await runExecutable(['get'], { stdin: 'https://ecr-public.aws.com', env: e });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(fake.callsFor('ecr-public').length, 1);
  assert.equal(fake.callsFor('ecr-public')[0].region, 'us-east-1');
  assert.equal(fake.callsFor('ecr').length, 0);
  assert.equal(JSON.parse(a.stdout).Secret, fake.issued[0].password);
  assert.equal(JSON.parse(b.stdout).Secret, fake.issued[0].password);
  assert.equal(JSON.parse(b.stdout).ServerURL, 'https://ecr-public.aws.com');
  const list = await runExecutable(['list'], { stdin: 'unused', env: e });
  assert.deepEqual(JSON.parse(list.stdout), { 'https://public.ecr.aws': 'AWS', 'https://ecr-public.aws.com': 'AWS' });
});

test('different regions and different identities never share a token', async () => {
  const e = env();
  await runExecutable(['get'], { stdin: HOST, env: e });
  await runExecutable(['get'], { stdin: HOST.replace('eu-west-1', 'us-west-2'), env: e });
  await runExecutable(['get'], { stdin: HOST, env: { ...e, AWS_ACCESS_KEY_ID: 'AKIAE2EOTHERKEY00002' } });
  assert.deepEqual(
    fake.callsFor('ecr').map((c) => `${c.region} ${c.accessKeyId}`),
    ['eu-west-1 AKIAE2ETESTKEY000001', 'us-west-2 AKIAE2ETESTKEY000001', 'eu-west-1 AKIAE2EOTHERKEY00002'],
  );
});

test('AWS_ECR_DISABLE_CACHE makes every get call AWS and writes nothing', async () => {
  const e = env({ AWS_ECR_DISABLE_CACHE: '1' });
  await runExecutable(['get'], { stdin: HOST, env: e });
  await runExecutable(['get'], { stdin: HOST, env: e });
  assert.equal(fake.callsFor('ecr').length, 2);
  assert.deepEqual(readdirSync(e.HOME), []);
});

test('look-alike and hostile hosts make no API call and write nothing', async () => {
  // No store on PATH to hand over to: what is not ECR would otherwise go to docker-credential-pass (installed here).
  const e = env({ PATH: '/nonexistent' });
  for (const input of [
    `${HOST}.evil.example`,
    `evil-${HOST}`,
    `https://u:p@${HOST}`,
    `http://${HOST}`,
    `${HOST}/../x`,
    'x'.repeat(70_000),
  ]) {
    const result = await runExecutable(['get'], { stdin: input, env: e });
    assert.equal(result.code, 1, input.slice(0, 80));
    assert.equal(result.stdout, `${NOT_FOUND_MESSAGE}\n`);
  }
  assert.equal(fake.calls.length, 0);
  assert.deepEqual(readdirSync(e.HOME), []);
});

test('AccessDenied: one clear line naming host, region, API and the IAM action; exit 1; no retry', async () => {
  fake.fail('ecr', 'access-denied');
  const result = await runExecutable(['get'], { stdin: HOST, env: env() });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^docker-credential-ecr: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com: no token from the ECR API in eu-west-1 as environment key AKIAE2ETESTKEY000001: access denied .*needs IAM permission ecr:GetAuthorizationToken\n$/,
  );
  assert.equal(result.stdout.trim(), result.stderr.replace(/^docker-credential-ecr: /, '').trim());
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.doesNotMatch(result.stderr, /e2e-secret-access-key/);
});

test('ECR Public failure falls back to an anonymous pull with a warning naming the IAM actions', async () => {
  fake.fail('ecr-public', 'access-denied');
  const result = await runExecutable(['get'], { stdin: 'public.ecr.aws', env: env() });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, `${NOT_FOUND_MESSAGE}\n`);
  assert.match(
    result.stderr,
    /ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken.*pulling public\.ecr\.aws anonymously/,
  );
});

test('throttling and HTTP 500 are retried, then succeed', async () => {
  fake.fail('ecr', 'throttle', { times: 1 });
  fake.fail('ecr', 'http-500', { times: 1 });
  const result = await runExecutable(['get'], { stdin: HOST, env: env() });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fake.callsFor('ecr').length, 3);
  assert.equal(JSON.parse(result.stdout).Secret, fake.issued.at(-1)!.password);
});

test('persistent throttling gives up after 3 attempts with advice', async () => {
  fake.fail('ecr', 'throttle');
  const result = await runExecutable(['get'], { stdin: HOST, env: env() });
  assert.equal(result.code, 1);
  assert.equal(fake.callsFor('ecr').length, 3);
  assert.match(result.stderr, /AWS throttled the token request, even after retries; retry in a few seconds/);
});

const RESPONSE_FAULTS: Array<[Parameters<FakeAws['fail']>[1], RegExp, number]> = [
  ['malformed', /the ECR API sent a response that is not a token|not a usable token/, 1],
  ['oversized', /not a usable token \(authorizationToken is oversized\)|not a token/, 1],
  ['empty', /not a usable token \(no authorizationToken\)/, 1],
  ['expired-credentials', /the AWS credentials \(environment key AKIAE2ETESTKEY000001\) have expired; refresh them/, 1],
  ['unrecognized-client', /AWS does not recognise the credentials/, 1],
  // The SDK corrects its clock offset from the error and retries, as it should for real skew.
  ['invalid-signature', /clock is off.*timedatectl/, 3],
];

for (const [fault, message, calls] of RESPONSE_FAULTS) {
  test(`fault ${String(fault)}: explained, exit 1, nothing cached`, async () => {
    fake.fail('ecr', fault);
    const e = env();
    const result = await runExecutable(['get'], { stdin: HOST, env: e });
    assert.equal(result.code, 1);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, result.stderr);
    assert.equal(fake.callsFor('ecr').length, calls);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
}

test('a hung endpoint is cut off by the total timeout', async () => {
  fake.fail('ecr', 'hang');
  const result = await runExecutable(['get'], { stdin: HOST, env: env({ DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '1500' }) });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /did not answer in time/);
  assert.ok(result.ms < 6_000, `took ${result.ms} ms`);
});

test('an unreachable endpoint says so, with the proxy hint', async () => {
  const result = await runExecutable(['get'], {
    stdin: HOST,
    env: env({ AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9' }),
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /cannot reach the ECR API endpoint 127\.0\.0\.1:9 \(ECONNREFUSED\); check the network; where only a proxy reaches the internet, set HTTPS_PROXY/,
  );
});

test('an already-expired token from AWS is refused, never served', async () => {
  fake.setTokenLifetime(-60);
  const result = await runExecutable(['get'], { stdin: HOST, env: env() });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /had already expired by AWS's own clock; it was not cached/);
  assert.doesNotMatch(result.stdout, /Secret/);
});

test('a token past its refresh point is refreshed; if that fails it is served while still valid', async () => {
  // expiresAt comes in whole seconds, so a 6 s token lives between 5 and 7 s on our clock: its refresh is due
  // after at most 3.5 s, and it is still valid until at least 5 s.
  fake.setTokenLifetime(6);
  const e = env();
  const first = await runExecutable(['get'], { stdin: HOST, env: e });
  assert.equal(first.code, 0, first.stderr);
  await new Promise((r) => setTimeout(r, 3_700));
  fake.fail('ecr', 'access-denied'); // not retried, so the refresh fails at once, well before the token expires
  const second = await runExecutable(['get'], { stdin: HOST, env: { ...e, DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '1000' } });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(JSON.parse(second.stdout).Secret, JSON.parse(first.stdout).Secret);
  assert.match(second.stderr, /serving the cached token, valid until/);
  await new Promise((r) => setTimeout(r, 3_400)); // now expired (at least 7.1 s after the fetch)
  const third = await runExecutable(['get'], { stdin: HOST, env: { ...e, DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '1500' } });
  assert.equal(third.code, 1);
  assert.doesNotMatch(third.stdout, /Secret/);
});

test('a FIPS host calls the FIPS endpoint, through HTTPS_PROXY, trusting AWS_CA_BUNDLE', async () => {
  const e = env({ HTTPS_PROXY: fake.url, AWS_CA_BUNDLE: fake.caFile });
  delete (e as Record<string, string | undefined>).AWS_ENDPOINT_URL_ECR;
  const fipsHost = '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com';
  const result = await runExecutable(['get'], { stdin: fipsHost, env: e });
  assert.equal(result.code, 0, result.stderr);
  // The SDK's endpoint rules name the FIPS API host api.ecr-fips.<region>.amazonaws.com.
  assert.deepEqual(fake.connects, ['api.ecr-fips.us-east-1.amazonaws.com:443']);
  assert.equal(fake.callsFor('ecr')[0].host, 'api.ecr-fips.us-east-1.amazonaws.com');
  assert.equal(fake.callsFor('ecr')[0].viaProxy, true);
});

test('a dual-stack host calls the dual-stack endpoint', async () => {
  const e = env({ HTTPS_PROXY: fake.url, AWS_CA_BUNDLE: fake.caFile });
  delete (e as Record<string, string | undefined>).AWS_ENDPOINT_URL_ECR;
  const result = await runExecutable(['get'], { stdin: '123456789012.dkr-ecr.eu-west-1.on.aws', env: e });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(fake.connects, ['ecr.eu-west-1.api.aws:443']);
});

test('NO_PROXY keeps a matching endpoint direct', async () => {
  const e = env({ HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' });
  const result = await runExecutable(['get'], { stdin: HOST, env: e });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fake.callsFor('ecr')[0].viaProxy, false);
});

test('debug logs show each decision and never a secret; the log file is 0600', async () => {
  const e = env({ DOCKER_CREDENTIAL_ECR_LOG: 'debug' });
  const logFile = join(e.HOME, 'helper.log');
  e.DOCKER_CREDENTIAL_ECR_LOG_FILE = logFile;
  const first = await runExecutable(['get'], { stdin: HOST, env: e });
  const second = await runExecutable(['get'], { stdin: HOST, env: e });
  const secret = JSON.parse(first.stdout).Secret as string;
  for (const text of [first.stderr, second.stderr, readFileSync(logFile, 'utf8')]) {
    assert.match(text, /ecr registry, region eu-west-1/);
    assert.match(text, /cache key [0-9a-f]{32}/);
    assert.doesNotMatch(text, new RegExp(secret.slice(0, 24)));
    assert.doesNotMatch(text, /e2e-secret-access-key/);
  }
  assert.match(first.stderr, /cache miss[\s\S]*token fetched in \d+ ms/);
  assert.match(second.stderr, /cache hit/);
  assert.equal(statSync(logFile).mode & 0o777, 0o600);
});

test('an unusable cache directory degrades to no cache with one warning; the pull still succeeds', async () => {
  // /proc refuses new directories even for root, like a read-only filesystem would.
  for (const dir of ['/proc/self/docker-credential-ecr-cache', '/proc/docker-credential-ecr-cache']) {
    const result = await runExecutable(['get'], { stdin: HOST, env: env({ AWS_ECR_CACHE_DIR: dir }) });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).Secret, fake.issued.at(-1)!.password);
    assert.match(
      result.stderr,
      /^docker-credential-ecr: warning: cannot use cache directory .* continuing without a cache\n$/,
    );
  }
});

test('a world-writable cache directory is refused with a warning; the pull still succeeds', async () => {
  const dir = tempDir();
  chmodSync(dir, 0o777);
  const result = await runExecutable(['get'], { stdin: HOST, env: env({ AWS_ECR_CACHE_DIR: dir }) });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /writable by group or others \(mode 777\); not using the cache/);
  assert.deepEqual(readdirSync(dir), []);
});

test('an unreadable AWS_CA_BUNDLE is named, with the fix; exit 1', async () => {
  const result = await runExecutable(['get'], { stdin: HOST, env: env({ AWS_CA_BUNDLE: '/nonexistent/ca.pem' }) });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^docker-credential-ecr: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com: no token from the ECR API in eu-west-1 as .*: AWS_CA_BUNDLE \/nonexistent\/ca\.pem cannot be read \(ENOENT\); point AWS_CA_BUNDLE at a readable PEM file/,
  );
  assert.equal(fake.calls.length, 0);
});
