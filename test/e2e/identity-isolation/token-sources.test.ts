// One identity, one token, with the built executable against the fake AWS, where the identity is a token the SDK
// reads (web identity, EKS Pod Identity, container credentials): the set-ups where the cache key used to name
// "profile default" (a [default] section holding only a region) while the SDK really used one of these, so another
// identity got the token; a token that cannot be read is an error, never a key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../../support/executable';
import { execFileSync, spawn } from 'node:child_process';
import { shellQuote } from '../../support/shell';
import { makeWebIdentityToken } from '../../support/fake-aws';
import { HOST, ROLE_A, ROLE_B, sharedHome, secretOf } from './shared-home';

const fake = useFakeAws();

test('web identity under a region-only [default]: role A, role B and no credentials each get their own answer', async () => {
  const { home, bare } = sharedHome(fake);
  const subA = 'repo:org/app:ref:refs/heads/main';
  const subB = 'repo:org/other:ref:refs/heads/main';
  fake.trustWebIdentity(ROLE_A, { subjects: [subA] });
  fake.trustWebIdentity(ROLE_B, { subjects: [subB] });
  const tokenA = join(home, 'token-a');
  const tokenB = join(home, 'token-b');
  writeFileSync(tokenA, makeWebIdentityToken({ sub: subA }));
  writeFileSync(tokenB, makeWebIdentityToken({ sub: subB }));

  const a = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...bare, AWS_ROLE_ARN: ROLE_A, AWS_WEB_IDENTITY_TOKEN_FILE: tokenA },
  });
  assert.equal(a.code, 0, a.stderr);
  const b = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...bare, AWS_ROLE_ARN: ROLE_B, AWS_WEB_IDENTITY_TOKEN_FILE: tokenB },
  });
  assert.equal(b.code, 0, b.stderr);
  assert.notEqual(secretOf(b.stdout), secretOf(a.stdout), "role B must not get role A's token");
  const ecr = fake.callsFor('ecr');
  assert.equal(ecr.length, 2, "role B is a miss, not a hit on role A's entry");
  assert.equal(fake.principalFor(ecr[0].accessKeyId)?.roleArn, ROLE_A);
  assert.equal(fake.principalFor(ecr[1].accessKeyId)?.roleArn, ROLE_B);

  // Nothing at all (no metadata service either): an error, not role A's or B's token.
  const none = await runExecutable(['get'], { stdin: HOST, env: bare });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no AWS credentials were found/);
  assert.doesNotMatch(none.stdout, new RegExp(secretOf(a.stdout).slice(0, 20)));

  // Role A again, with its token rotated (same subject, new iat and signature): a hit.
  writeFileSync(tokenA, makeWebIdentityToken({ sub: subA, iat: 42 }));
  const again = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...bare, AWS_ROLE_ARN: ROLE_A, AWS_WEB_IDENTITY_TOKEN_FILE: tokenA },
  });
  assert.equal(secretOf(again.stdout), secretOf(a.stdout));
  assert.equal(fake.callsFor('ecr').length, 2, 'a rotated token for the same subject still hits');

  // The same role, another subject (a pull request's job): its own entry, and STS refuses it.
  writeFileSync(tokenA, makeWebIdentityToken({ sub: 'repo:org/app:pull_request' }));
  const pr = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...bare, AWS_ROLE_ARN: ROLE_A, AWS_WEB_IDENTITY_TOKEN_FILE: tokenA },
  });
  assert.equal(pr.code, 1, "another subject is never served role A's cached token");
  assert.match(pr.stderr, /AccessDenied|not authorized|denied/i);
  assert.equal(pr.stdout.includes(secretOf(a.stdout)), false);
});

test('EKS Pod Identity: two service accounts sharing a cache volume never share a token', async () => {
  const { home, bare } = sharedHome(fake);
  const cache = join(home, 'shared-cache-volume');
  const tokenFile = join(home, 'eks-pod-identity-token');
  const podEnv = {
    ...bare,
    AWS_ECR_CACHE_DIR: cache,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerCredentialsUrl,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
  };
  const asServiceAccount = async (namespace: string, role: string) => {
    // The agent serves the role associated with whoever presents this token; the path is the same in every pod.
    const token = makeWebIdentityToken({
      sub: `system:serviceaccount:${namespace}:builder`,
      aud: 'pods.eks.amazonaws.com',
    });
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
  assert.equal(fake.principalFor(fake.callsFor('ecr')[1].accessKeyId)?.roleArn, ROLE_B);
  // team-a again, with a fresh token for the same account: a hit, no call.
  const again = await asServiceAccount('team-a', ROLE_A);
  assert.equal(secretOf(again.stdout), secretOf(a.stdout));
  assert.equal(fake.callsFor('ecr').length, 2);
});
test('container credentials: the token that keyed the cache is the one sent; no fall-back to AWS_CONTAINER_AUTHORIZATION_TOKEN', async () => {
  const { home, bare } = sharedHome(fake);
  const tokenFile = join(home, 'pod-token');
  const refused = makeWebIdentityToken({ sub: 'system:serviceaccount:ns:a', aud: 'pods.eks.amazonaws.com' });
  const accepted = makeWebIdentityToken({ sub: 'system:serviceaccount:ns:b', aud: 'pods.eks.amazonaws.com' });
  writeFileSync(tokenFile, refused);
  fake.setContainerCredentials({ authorizationToken: accepted, roleArn: ROLE_B });
  const env = {
    ...bare,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerCredentialsUrl,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
  };
  const withEnvToken = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN: accepted },
  });
  assert.equal(withEnvToken.code, 1, "the file's token was refused; the environment's must not be sent instead");
  assert.deepEqual(
    fake.containerCalls.map((c) => c.authorization),
    [refused],
  );
  const fileOnly = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(fileOnly.code, 1, "and nothing was cached under the file's claims");
  assert.equal(fake.callsFor('ecr').length, 0);
});

test("a web identity token we cannot read (a pipe) is an error, never a key that another subject's run would share", async () => {
  const { home, bare } = sharedHome(fake);
  const subMain = 'repo:org/app:ref:refs/heads/main';
  fake.trustWebIdentity(ROLE_A, { subjects: [subMain, 'repo:org/app:pull_request'] });
  const main = join(home, 'main.jwt');
  const pr = join(home, 'pr.jwt');
  writeFileSync(main, makeWebIdentityToken({ sub: subMain }));
  writeFileSync(pr, makeWebIdentityToken({ sub: 'repo:org/app:pull_request' }));
  const viaPipe = (file: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn('bash', ['-c', `AWS_WEB_IDENTITY_TOKEN_FILE=<(cat ${shellQuote(file)}) exec "$EXE" get`], {
        env: { PATH: process.env.PATH, ...bare, AWS_ROLE_ARN: ROLE_A, EXE: EXECUTABLE },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => done({ code, stdout, stderr }));
      child.stdin.end(HOST);
    });
  const first = await viaPipe(main);
  assert.equal(first.code, 1);
  assert.match(first.stderr, /AWS_WEB_IDENTITY_TOKEN_FILE \/dev\/fd\/\d+ cannot be read \(not a regular file\)/);
  const second = await viaPipe(pr);
  assert.equal(second.code, 1);
  assert.match(
    second.stderr,
    /AWS_WEB_IDENTITY_TOKEN_FILE \/dev\/fd\/\d+ cannot be read \(not a regular file\); no token is served or fetched for an identity this helper cannot read, so none is guessed/,
  );
  assert.equal(fake.callsFor('ecr').length, 0, 'no token fetched or served for an unreadable identity');
});

test("a profile's web_identity_token_file or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE that cannot be read: an error naming it, no token", async () => {
  const { home, bare } = sharedHome(fake);
  const fifo = join(home, 'token-fifo');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(
    bare.AWS_CONFIG_FILE,
    `[default]\nregion = eu-west-1\nrole_arn = ${ROLE_A}\nweb_identity_token_file = ${fifo}\n`,
  );
  const profile = await runExecutable(['get'], { stdin: HOST, env: bare, killAfterMs: 15_000 });
  assert.equal(profile.code, 1, profile.stderr);
  assert.match(
    profile.stderr,
    new RegExp(
      `web_identity_token_file ${fifo} of profile default cannot be read \\(not a regular file\\); no token is served or fetched for an identity this helper cannot read, so none is guessed`,
    ),
  );

  writeFileSync(bare.AWS_CONFIG_FILE, '[default]\nregion = eu-west-1\n');
  const directory = join(home, 'token-dir');
  mkdirSync(directory);
  const container = await runExecutable(['get'], {
    stdin: HOST,
    env: {
      ...bare,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerCredentialsUrl,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: directory,
    },
  });
  assert.equal(container.code, 1, container.stderr);
  assert.match(
    container.stderr,
    new RegExp(
      `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${directory} cannot be read \\(.+\\); no token is served or fetched for an identity this helper cannot read, so none is guessed`,
    ),
  );
  assert.equal(fake.callsFor('ecr').length, 0, 'no token fetched or served for an unreadable identity');
});
test("a profile's web_identity_token_file and the container token behind credential_source = EcsContainer: the SDK is handed the token that keyed the cache", async () => {
  const { home, bare } = sharedHome(fake);
  const sub = 'repo:org/app:ref:refs/heads/main';
  fake.trustWebIdentity(ROLE_A, { subjects: [sub] });
  const tokenFile = join(home, 'oidc-token');
  writeFileSync(tokenFile, makeWebIdentityToken({ sub }));
  writeFileSync(
    bare.AWS_CONFIG_FILE,
    `[default]\nregion = eu-west-1\nrole_arn = ${ROLE_A}\nweb_identity_token_file = ${tokenFile}\n`,
  );
  const web = await runExecutable(['get'], { stdin: HOST, env: bare });
  assert.equal(web.code, 0, web.stderr);
  assert.deepEqual(
    fake.webIdentityCalls.map((c) => [c.roleArn, c.subject, c.outcome]),
    [[ROLE_A, sub, 'ok']],
  );

  // A role assumed from EKS Pod Identity credentials: the file's token goes to the agent, never the variable's.
  const podToken = join(home, 'pod-token');
  const fileToken = makeWebIdentityToken({ sub: 'system:serviceaccount:ns:builder', aud: 'pods.eks.amazonaws.com' });
  writeFileSync(podToken, fileToken);
  fake.setContainerCredentials({ authorizationToken: fileToken, roleArn: ROLE_B });
  const config = join(home, 'ecs-config');
  writeFileSync(config, `[default]\nregion = eu-west-1\nrole_arn = ${ROLE_A}\ncredential_source = EcsContainer\n`);
  const env = {
    ...bare,
    AWS_CONFIG_FILE: config,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerCredentialsUrl,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: podToken,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: 'not-this-one',
  };
  const ecs = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(ecs.code, 0, ecs.stderr);
  assert.deepEqual(
    fake.containerCalls.map((c) => c.authorization),
    [fileToken],
  );
  assert.equal(fake.assumedRoles.at(-1)?.roleArn, ROLE_A);
  assert.equal(fake.principalFor(fake.callsFor('ecr').at(-1)!.accessKeyId)?.roleArn, ROLE_A);
});
