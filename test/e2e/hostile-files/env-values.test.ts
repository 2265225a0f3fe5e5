// Values in the environment the helper cannot take as they are, with the built executable against the fake AWS:
// relative cache and config directories (ignored: nothing lands in the working directory) and timeouts past what
// a timer holds (clamped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { tempDir } from '../../support/temp';
import { helperEnv } from '../../support/helper-bin';
import { cacheFiles, HOST } from './hostile-file';

const fake = useFakeAws();

test('relative XDG_CACHE_HOME, XDG_CONFIG_HOME and AWS_ECR_CACHE_DIR are ignored: nothing lands in the working directory', async () => {
  const home = tempDir();
  const cwd = tempDir();
  const env = { ...helperEnv(fake.url, home), XDG_CACHE_HOME: '.cache', XDG_CONFIG_HOME: 'conf' };
  mkdirSync(join(cwd, 'conf', 'docker-credential-ecr'), { recursive: true });
  // A config file planted in the working directory must not be read either.
  writeFileSync(join(cwd, 'conf', 'docker-credential-ecr', 'config.json'), '{ not json');
  const result = await runExecutable(['get'], { stdin: HOST, env, cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /XDG_CACHE_HOME=\.cache is not an absolute path; ignoring it/);
  assert.deepEqual(readdirSync(cwd).sort(), ['conf']);
  assert.equal(cacheFiles(join(home, '.cache', 'docker-credential-ecr')).length, 1, 'the cache is in HOME instead');
  const explicit = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...helperEnv(fake.url, home), AWS_ECR_CACHE_DIR: 'tokens' },
    cwd,
  });
  assert.equal(explicit.code, 0);
  assert.match(explicit.stderr, /AWS_ECR_CACHE_DIR=tokens is not an absolute path/);
  assert.equal(existsSync(join(cwd, 'tokens')), false);
});

test('DOCKER_CREDENTIAL_ECR_TIMEOUT_MS past what a timer holds is clamped, not "no time at all"', async () => {
  fake.fail('ecr', { slow: 300 }, { times: 1 });
  const env = { ...helperEnv(fake.url, tempDir()), DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '2147483648' };
  const result = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(result.code, 0, result.stderr);
  const seconds = await runExecutable(['get'], {
    stdin: HOST,
    env: {
      ...helperEnv(fake.url, tempDir()),
      AWS_METADATA_SERVICE_TIMEOUT: '1e12',
      DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '1e400',
    },
  });
  assert.equal(seconds.code, 0, seconds.stderr);
});
