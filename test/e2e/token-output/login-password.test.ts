// `login-password` through the built executable against the fake AWS: the token for the host's region, from the same
// cache as get; piped into the real `docker login --password-stdin`; and what it says for a host it does not serve
// or an AWS failure.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { assertBuilt, EXECUTABLE, runExecutable } from '../../support/executable';
import { runCommand, transcript } from '../../support/command';
import { requireTool } from '../../support/tools';
import { tempDir } from '../../support/temp';
import { shellCommand } from '../../support/shell';
import { dockerOnlyPath, envOn, HOST, useEngineFor } from './token-run';

const fake = useFakeAws();
const env = envOn(fake);
const engine = useEngineFor(fake);

before(() => assertBuilt());

test('login-password: the token for the host region, from the same cache as get (one AWS call for both)', async () => {
  const e = env();
  const password = await runExecutable(['login-password', HOST], { env: e });
  assert.equal(password.code, 0, password.stderr);
  assert.equal(password.stderr, '');
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.equal(fake.callsFor('ecr')[0].region, 'eu-central-1');
  assert.equal(password.stdout, `${fake.issued[0].password}\n`);

  const get = await runExecutable(['get'], { env: e, stdin: HOST });
  assert.equal(get.code, 0, get.stderr);
  assert.equal(JSON.parse(get.stdout).Secret, fake.issued[0].password);
  const again = await runExecutable(['login-password', `https://${HOST}`], { env: e });
  assert.equal(again.stdout, password.stdout);
  assert.equal(fake.callsFor('ecr').length, 1, 'get and the second login-password came from the cache');
});

test('login-password public.ecr.aws uses the ECR Public API in us-east-1, whatever AWS_REGION says', async () => {
  const result = await runExecutable(['login-password', 'public.ecr.aws'], { env: env({ AWS_REGION: 'eu-west-1' }) });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fake.callsFor('ecr-public').length, 1);
  assert.equal(fake.callsFor('ecr-public')[0].region, 'us-east-1');
  assert.equal(fake.callsFor('ecr').length, 0);
  assert.equal(result.stdout, `${fake.issued[0].password}\n`);
});

test('login-password piped into the real docker login --password-stdin: the engine checks exactly our token', async () => {
  const docker = requireTool('docker');
  const e = env();
  const configDir = tempDir('dce-tokens-docker-');
  const dockerEnv = { ...e, PATH: dockerOnlyPath(), DOCKER_HOST: engine.host, DOCKER_CONFIG: configDir };
  const shell = await runCommand(
    '/bin/sh',
    [
      '-c',
      `${shellCommand([EXECUTABLE, 'login-password'])} "$1" | ${shellCommand([docker, 'login', '--username', 'AWS', '--password-stdin'])} "$1"`,
      'sh',
      HOST,
    ],
    { env: dockerEnv },
  );
  assert.equal(shell.code, 0, transcript(shell));
  assert.match(shell.stdout, /Login Succeeded/);
  assert.deepEqual(engine.logins, [{ username: 'AWS', password: fake.issued[0].password, serveraddress: HOST }]);
  // With no helper for it, docker keeps the login in config.json's auths, as it does for every registry.
  assert.equal(
    JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).auths[HOST].auth,
    Buffer.from(`AWS:${fake.issued[0].password}`).toString('base64'),
  );
});

test('a host this helper does not serve, or a mistyped one: exit 1, the reason, nothing on stdout', async () => {
  const other = await runExecutable(['login-password', 'ghcr.io'], { env: env() });
  assert.equal(other.code, 1);
  assert.equal(other.stdout, '');
  assert.match(
    other.stderr,
    /^docker-credential-ecr: ghcr\.io: not a registry this helper serves .*expected <account>\.dkr\.ecr\.<region>\.amazonaws\.com, public\.ecr\.aws/m,
  );
  const typo = await runExecutable(['login-password', '12345.dkr.ecr.us-east-1.amazonaws.com'], { env: env() });
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /the account ID must have 12 digits \(it has 5\)/);
  const none = await runExecutable(['login-password'], { env: env() });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /login-password: name the registry host/);
  assert.equal(fake.calls.length, 0);
});

test('an AWS failure: the same explanation get gives, exit 1, nothing on stdout', async () => {
  fake.fail('ecr', 'access-denied');
  const result = await runExecutable(['login-password', HOST], { env: env() });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(
    result.stderr,
    /^docker-credential-ecr: 123456789012\.dkr\.ecr\.eu-central-1\.amazonaws\.com: no token from the ECR API in eu-central-1 .*access denied.*ecr:GetAuthorizationToken/m,
  );
});
