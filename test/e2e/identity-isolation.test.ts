// One identity, one token, with the built executable against the fake AWS: the set-ups where the cache key used
// to name "profile default" (a [default] section holding only a region, the most common file there is) while the
// SDK really used web identity, container credentials or nothing, so another identity got the token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';
import { helperEnv } from '../support/helper-bin';
import { makeWebIdentityToken } from '../support/fake-aws';

const fake = useFakeAws();
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ROLE_A = 'arn:aws:iam::123456789012:role/ci-job-a';
const ROLE_B = 'arn:aws:iam::123456789012:role/ci-job-b';

/** A shared HOME whose ~/.aws/config is `[default]` with a region and nothing else. */
function sharedHome(): { home: string; bare: Record<string, string> } {
  const home = tempDir();
  const bare = helperEnv(fake.url, home);
  delete bare.AWS_ACCESS_KEY_ID;
  delete bare.AWS_SECRET_ACCESS_KEY;
  writeFileSync(bare.AWS_CONFIG_FILE!, '[default]\nregion = eu-west-1\n');
  return { home, bare };
}

const secretOf = (stdout: string): string => (JSON.parse(stdout) as { Secret: string }).Secret;

test('web identity under a region-only [default]: role A, role B and no credentials each get their own answer', async () => {
  const { home, bare } = sharedHome();
  const subA = 'repo:org/app:ref:refs/heads/main';
  const subB = 'repo:org/other:ref:refs/heads/main';
  fake.trustWebIdentity(ROLE_A, { subjects: [subA] });
  fake.trustWebIdentity(ROLE_B, { subjects: [subB] });
  const tokenA = join(home, 'token-a');
  const tokenB = join(home, 'token-b');
  writeFileSync(tokenA, makeWebIdentityToken({ sub: subA }));
  writeFileSync(tokenB, makeWebIdentityToken({ sub: subB }));

  const a = await runExecutable(['get'], { stdin: HOST, env: { ...bare, AWS_ROLE_ARN: ROLE_A, AWS_WEB_IDENTITY_TOKEN_FILE: tokenA } });
  assert.equal(a.code, 0, a.stderr);
  const b = await runExecutable(['get'], { stdin: HOST, env: { ...bare, AWS_ROLE_ARN: ROLE_B, AWS_WEB_IDENTITY_TOKEN_FILE: tokenB } });
  assert.equal(b.code, 0, b.stderr);
  assert.notEqual(secretOf(b.stdout), secretOf(a.stdout), 'role B must not get role A\'s token');
  const ecr = fake.callsFor('ecr');
  assert.equal(ecr.length, 2, 'role B is a miss, not a hit on role A\'s entry');
  assert.equal(fake.principalFor(ecr[0]!.accessKeyId)?.roleArn, ROLE_A);
  assert.equal(fake.principalFor(ecr[1]!.accessKeyId)?.roleArn, ROLE_B);

  // Nothing at all (no metadata service either): an error, not role A's or B's token.
  const none = await runExecutable(['get'], { stdin: HOST, env: bare });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no AWS credentials were found/);
  assert.doesNotMatch(none.stdout, new RegExp(secretOf(a.stdout).slice(0, 20)));

  // Role A again, with its token rotated (same subject, new iat and signature): a hit.
  writeFileSync(tokenA, makeWebIdentityToken({ sub: subA, iat: 42 }));
  const again = await runExecutable(['get'], { stdin: HOST, env: { ...bare, AWS_ROLE_ARN: ROLE_A, AWS_WEB_IDENTITY_TOKEN_FILE: tokenA } });
  assert.equal(secretOf(again.stdout), secretOf(a.stdout));
  assert.equal(fake.callsFor('ecr').length, 2, 'a rotated token for the same subject still hits');

  // The same role, another subject (a pull request's job): its own entry, and STS refuses it.
  writeFileSync(tokenA, makeWebIdentityToken({ sub: 'repo:org/app:pull_request' }));
  const pr = await runExecutable(['get'], { stdin: HOST, env: { ...bare, AWS_ROLE_ARN: ROLE_A, AWS_WEB_IDENTITY_TOKEN_FILE: tokenA } });
  assert.equal(pr.code, 1, 'another subject is never served role A\'s cached token');
  assert.match(pr.stderr, /AccessDenied|not authorized|denied/i);
  assert.equal(pr.stdout.includes(secretOf(a.stdout)), false);
});

test('EKS Pod Identity: two service accounts sharing a cache volume never share a token', async () => {
  const { home, bare } = sharedHome();
  const cache = join(home, 'shared-cache-volume');
  const tokenFile = join(home, 'eks-pod-identity-token');
  const podEnv = { ...bare, AWS_ECR_CACHE_DIR: cache, AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerCredentialsUrl, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile };
  const asServiceAccount = async (namespace: string, role: string) => {
    // The agent serves the role associated with whoever presents this token; the path is the same in every pod.
    const token = makeWebIdentityToken({ sub: `system:serviceaccount:${namespace}:builder`, aud: 'pods.eks.amazonaws.com' });
    writeFileSync(tokenFile, token);
    fake.setContainerCredentials({ authorizationToken: token, roleArn: role });
    return runExecutable(['get'], { stdin: HOST, env: podEnv });
  };
  const a = await asServiceAccount('team-a', ROLE_A);
  assert.equal(a.code, 0, a.stderr);
  const b = await asServiceAccount('team-b', ROLE_B);
  assert.equal(b.code, 0, b.stderr);
  assert.notEqual(secretOf(b.stdout), secretOf(a.stdout));
  assert.equal(fake.containerCalls.length, 2, 'the second service account fetched its own credentials');
  assert.equal(fake.principalFor(fake.callsFor('ecr')[1]!.accessKeyId)?.roleArn, ROLE_B);
  // team-a again, with a fresh token for the same account: a hit, no call.
  const again = await asServiceAccount('team-a', ROLE_A);
  assert.equal(secretOf(again.stdout), secretOf(a.stdout));
  assert.equal(fake.callsFor('ecr').length, 2);
});

test('a lone AWS_ACCESS_KEY_ID is not an identity: no entry keyed on it serves another source', async () => {
  const { bare } = sharedHome();
  const keys = await runExecutable(['get'], { stdin: HOST, env: { ...bare, AWS_ACCESS_KEY_ID: 'AKIAE2ETESTKEY000001', AWS_SECRET_ACCESS_KEY: 'e2e-secret-access-key-do-not-print' } });
  assert.equal(keys.code, 0, keys.stderr);
  const lone = await runExecutable(['get'], { stdin: HOST, env: { ...bare, AWS_ACCESS_KEY_ID: 'AKIAE2ETESTKEY000001' } });
  assert.equal(lone.code, 1, 'the SDK would not use half a key pair, so neither does the cache');
  assert.match(lone.stderr, /no AWS credentials were found/);
});
