// The log settings through the real CLI: a bad level or an unwritable file is one warning, the answer unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInProcess } from '../support/run-cli';
import { HOST, NOW, environment, seed } from './cli-env';

test('an unknown log level is warned about once and warn is used', async () => {
  const env = { ...environment(), DOCKER_CREDENTIAL_ECR_LOG: 'verbose' };
  seed(env, HOST, 'cached-password-3', NOW + 6 * 3600_000);
  const result = await runInProcess(['get'], { stdin: HOST, env, now: () => NOW });
  assert.equal(result.code, 0);
  assert.equal(
    result.stderr,
    'docker-credential-ecr: warning: DOCKER_CREDENTIAL_ECR_LOG=verbose is not one of debug, info, warn, error, off; using warn\n',
  );
});

test('an unwritable log file is one warning; the answer is unaffected', async () => {
  const env = { ...environment(), DOCKER_CREDENTIAL_ECR_LOG_FILE: '/proc/self/no/helper.log' };
  seed(env, HOST, 'cached-password-4', NOW + 6 * 3600_000);
  const result = await runInProcess(['get'], { stdin: HOST, env, now: () => NOW });
  assert.equal(result.code, 0);
  assert.equal(JSON.parse(result.stdout).Secret, 'cached-password-4');
  assert.equal(
    result.stderr,
    'docker-credential-ecr: warning: not writing log file /proc/self/no/helper.log (ENOENT)\n',
  );
});
