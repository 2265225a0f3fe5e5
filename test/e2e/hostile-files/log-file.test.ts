// DOCKER_CREDENTIAL_ECR_LOG_FILE pointing somewhere else, with the built executable against the fake AWS: a symlink
// is not followed, another user's file or a second hard link is not written, and a relative path (of the log file or
// the helper config) is not taken from the working directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { tempDir } from '../../support/temp';
import { helperEnv } from '../../support/helper-bin';
import { HOST } from './hostile-file';

const fake = useFakeAws();

test("DOCKER_CREDENTIAL_ECR_LOG_FILE: a symlink is not followed, another user's file is not written", async () => {
  const home = tempDir();
  const victim = join(home, 'victim');
  writeFileSync(victim, 'precious\n');
  chmodSync(victim, 0o644);
  const link = join(home, 'helper.log');
  symlinkSync(victim, link);
  const env = {
    ...helperEnv(fake.url, home),
    DOCKER_CREDENTIAL_ECR_LOG: 'debug',
    DOCKER_CREDENTIAL_ECR_LOG_FILE: link,
  };
  const result = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(result.code, 0);
  assert.match(result.stderr, /not writing log file .*helper\.log \(it is a symbolic link\)/);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(statSync(victim).mode & 0o777, 0o644, 'the target was not chmod-ed');
  if (process.getuid?.() === 0) {
    const foreign = join(home, 'foreign.log');
    writeFileSync(foreign, '');
    chownSync(foreign, 12345, 12345);
    const other = await runExecutable(['get'], {
      stdin: HOST,
      env: { ...env, DOCKER_CREDENTIAL_ECR_LOG_FILE: foreign },
    });
    assert.match(other.stderr, /not writing log file .*foreign\.log \(it belongs to uid 12345\)/);
    assert.equal(readFileSync(foreign, 'utf8'), '');
  }
});

test('the log file: a second hard link to another file is refused; relative DOCKER_CREDENTIAL_ECR_LOG_FILE and _CONFIG are not taken from the working directory', async () => {
  const home = tempDir();
  const victim = join(home, 'victim');
  writeFileSync(victim, 'precious\n');
  const link = join(home, 'helper.log');
  execFileSync('ln', [victim, link]);
  const env = {
    ...helperEnv(fake.url, home),
    DOCKER_CREDENTIAL_ECR_LOG: 'debug',
    DOCKER_CREDENTIAL_ECR_LOG_FILE: link,
  };
  const linked = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(linked.code, 0);
  assert.match(linked.stderr, /not writing log file .*helper\.log \(it has other hard links\)/);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  const cwd = tempDir();
  const relativeLog = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_LOG_FILE: 'helper.log' },
    cwd,
  });
  assert.equal(relativeLog.code, 0);
  assert.match(relativeLog.stderr, /DOCKER_CREDENTIAL_ECR_LOG_FILE=helper\.log is not an absolute path/);
  writeFileSync(join(cwd, 'config.json'), '{"registries":{}}');
  const relativeConfig = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: 'config.json' },
    cwd,
  });
  assert.equal(relativeConfig.code, 1);
  assert.match(relativeConfig.stderr, /DOCKER_CREDENTIAL_ECR_CONFIG=config\.json is not an absolute path/);
  assert.deepEqual(readdirSync(cwd), ['config.json'], 'nothing written to the working directory');
});
