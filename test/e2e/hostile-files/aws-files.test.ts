// The AWS files the SDK used to read by itself (shared config and credentials, the SSO and login token caches, web
// identity and container tokens, AWS_CA_BUNDLE) as a FIFO or a link to /dev/zero, with the built executable against
// the fake AWS: an error naming the file, at once, and no token fetched past it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { tempDir } from '../../support/temp';
import { helperEnv } from '../../support/helper-bin';
import { escaped, HOST, hostile, KILL_AFTER_MS } from './hostile-file';

const fake = useFakeAws();

/**
 * Each file the SDK used to read by itself, as a FIFO and as /dev/zero: an error naming it, exit 1, at once: under a
 * one-minute timeout, the kill after KILL_AFTER_MS shows a hang (the old code hung on a FIFO until the timeout, and
 * read /dev/zero for gigabytes, then blamed the network).
 */
test('the AWS shared config, credentials, SSO and login token caches, web identity and container tokens and AWS_CA_BUNDLE as a FIFO or /dev/zero: an error naming the file, at once', async () => {
  const cases: {
    name: string;
    set: (home: string, env: Record<string, string>) => string;
    message: (file: string) => RegExp;
  }[] = [
    {
      name: 'AWS_CONFIG_FILE',
      set: (home, env) => (env.AWS_CONFIG_FILE = join(home, 'config')),
      message: (f) => new RegExp(`the AWS config file ${escaped(f)} cannot be read \\(not a regular file`),
    },
    {
      name: 'AWS_SHARED_CREDENTIALS_FILE',
      set: (home, env) => (env.AWS_SHARED_CREDENTIALS_FILE = join(home, 'credentials')),
      message: (f) => new RegExp(`the AWS shared credentials file ${escaped(f)} cannot be read \\(not a regular file`),
    },
    {
      name: 'a linked ~/.aws/config',
      set: (home, env) => {
        delete env.AWS_CONFIG_FILE;
        return join(home, '.aws', 'config');
      },
      message: (f) => new RegExp(`the AWS config file ${escaped(f)} cannot be read \\(not a regular file`),
    },
    {
      name: 'the SSO token cache',
      set: (home, env) => {
        delete env.AWS_ACCESS_KEY_ID;
        delete env.AWS_SECRET_ACCESS_KEY;
        writeFileSync(
          env.AWS_CONFIG_FILE,
          '[default]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Puller\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
        );
        return join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`);
      },
      message: (f) =>
        new RegExp(`the SSO token cache file ${escaped(f)} \\(of corp\\) cannot be read \\(not a regular file`),
    },
    {
      name: 'the `aws login` token cache',
      set: (home, env) => {
        delete env.AWS_ACCESS_KEY_ID;
        delete env.AWS_SECRET_ACCESS_KEY;
        writeFileSync(
          env.AWS_CONFIG_FILE,
          '[default]\nlogin_session = arn:aws:iam::123456789012:user/dev\nregion = eu-west-1\n',
        );
        return join(
          home,
          '.aws',
          'login',
          'cache',
          `${createHash('sha256').update('arn:aws:iam::123456789012:user/dev').digest('hex')}.json`,
        );
      },
      message: (f) =>
        new RegExp(
          `the login token cache file ${escaped(f)} \\(of login_session arn:aws:iam::123456789012:user/dev\\) cannot be read \\(not a regular file`,
        ),
    },
    {
      name: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE under a profile's credential_source = EcsContainer",
      set: (home, env) => {
        delete env.AWS_ACCESS_KEY_ID;
        delete env.AWS_SECRET_ACCESS_KEY;
        writeFileSync(
          env.AWS_CONFIG_FILE,
          '[default]\nrole_arn = arn:aws:iam::123456789012:role/puller\ncredential_source = EcsContainer\n',
        );
        env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${fake.url}/v1/credentials`;
        return (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = join(home, 'pod-token'));
      },
      message: (f) =>
        new RegExp(`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${escaped(f)} cannot be read \\(not a regular file\\)`),
    },
    {
      name: 'AWS_WEB_IDENTITY_TOKEN_FILE',
      set: (home, env) => {
        delete env.AWS_ACCESS_KEY_ID;
        delete env.AWS_SECRET_ACCESS_KEY;
        env.AWS_ROLE_ARN = 'arn:aws:iam::123456789012:role/ci';
        return (env.AWS_WEB_IDENTITY_TOKEN_FILE = join(home, 'oidc-token'));
      },
      message: (f) => new RegExp(`AWS_WEB_IDENTITY_TOKEN_FILE ${escaped(f)} cannot be read \\(not a regular file\\)`),
    },
    {
      name: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (EKS Pod Identity)',
      set: (home, env) => {
        delete env.AWS_ACCESS_KEY_ID;
        delete env.AWS_SECRET_ACCESS_KEY;
        env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${fake.url}/v1/credentials`;
        return (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = join(home, 'eks-pod-identity-token'));
      },
      message: (f) =>
        new RegExp(`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${escaped(f)} cannot be read \\(not a regular file\\)`),
    },
    {
      name: 'AWS_CA_BUNDLE',
      set: (home, env) => (env.AWS_CA_BUNDLE = join(home, 'ca.pem')),
      message: (f) => new RegExp(`AWS_CA_BUNDLE ${escaped(f)} cannot be read \\(ENOTREG\\)`),
    },
  ];
  for (const kind of ['fifo', 'dev-zero'] as const) {
    for (const c of cases) {
      const home = tempDir();
      const env: Record<string, string> = { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '60000' };
      const file = c.set(home, env);
      hostile(kind, file);
      const result = await runExecutable(['get'], { stdin: HOST, env, killAfterMs: KILL_AFTER_MS });
      assert.equal(result.signal, null, `${c.name} as ${kind}: killed after ${KILL_AFTER_MS} ms, so it hung`);
      assert.equal(result.code, 1, `${c.name} as ${kind}: ${result.stderr}`);
      assert.match(result.stderr, c.message(file), `${c.name} as ${kind}`);
      assert.equal(result.stdout.includes('Secret'), false);
    }
  }
  assert.equal(fake.callsFor('ecr').length, 0, 'no token fetched past a file that could not be read');
});

test('~/.aws/config turned into a FIFO after a hit: the next get says so (no token keyed on a config it could not read)', async () => {
  const home = tempDir();
  const env: Record<string, string> = { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '60000' };
  writeFileSync(env.AWS_CONFIG_FILE, '[default]\nregion = eu-west-1\n');
  assert.equal((await runExecutable(['get'], { stdin: HOST, env })).code, 0);
  assert.equal((await runExecutable(['get'], { stdin: HOST, env })).code, 0, 'a hit, which leaves a memo');
  hostile('fifo', env.AWS_CONFIG_FILE);
  const result = await runExecutable(['get'], { stdin: HOST, env, killAfterMs: KILL_AFTER_MS });
  assert.equal(result.signal, null, 'hung');
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /the AWS config file .* cannot be read \(not a regular file/);
  assert.equal(fake.callsFor('ecr').length, 1);
});
