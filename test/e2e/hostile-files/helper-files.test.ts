// The helper's own files not being what they seem, with the built executable against the fake AWS: a cache entry
// that is a FIFO, /dev/zero or a directory is a miss, never a hang; a helper config or Docker config that is one, or a
// helper config named but missing, is an error naming it, at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { tempDir } from '../../support/temp';
import { helperEnv } from '../../support/helper-bin';
import { cacheFiles, escaped, HOST, hostile, KILL_AFTER_MS, mkfifo } from './hostile-file';

const fake = useFakeAws();

test('a cache entry replaced by a FIFO, a link to /dev/zero or a directory is a miss, not a hang', async () => {
  for (const replace of ['fifo', 'dev-zero', 'directory'] as const) {
    fake.reset();
    const home = tempDir();
    const env = helperEnv(fake.url, home);
    assert.equal((await runExecutable(['get'], { stdin: HOST, env })).code, 0);
    const [entry] = cacheFiles(join(home, '.cache', 'docker-credential-ecr'));
    unlinkSync(entry);
    if (replace === 'fifo') mkfifo(entry);
    else if (replace === 'dev-zero') symlinkSync('/dev/zero', entry);
    else mkdirSync(entry);
    const result = await runExecutable(['get'], { stdin: HOST, env, killAfterMs: KILL_AFTER_MS });
    assert.equal(result.signal, null, `${replace}: killed after ${KILL_AFTER_MS} ms, so it hung`);
    assert.equal(result.code, 0, `${replace}: ${result.stderr}`);
    assert.equal(fake.callsFor('ecr').length, 2, `${replace}: a miss that fetched again`);
  }
});

test('the helper config file as a FIFO or a link to /dev/zero is an error naming it, at once', async () => {
  for (const replace of ['fifo', 'dev-zero'] as const) {
    const home = tempDir();
    const file = join(home, 'config.json');
    if (replace === 'fifo') mkfifo(file);
    else symlinkSync('/dev/zero', file);
    const result = await runExecutable(['get'], {
      stdin: HOST,
      env: { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: file },
      killAfterMs: KILL_AFTER_MS,
    });
    assert.equal(result.signal, null, `${replace}: hung`);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read the config file \\(not a regular file\\)`,
      ),
    );
  }
  assert.equal(fake.callsFor('ecr').length, 0);
});

test('the Docker config as a FIFO or /dev/zero: configure and doctor fail at once, naming it', async () => {
  for (const kind of ['fifo', 'dev-zero'] as const) {
    const home = tempDir();
    const dockerConfig = join(home, 'docker', 'config.json');
    hostile(kind, dockerConfig);
    const env = { ...helperEnv(fake.url, home), DOCKER_CONFIG: dirname(dockerConfig) };
    const message = new RegExp(`${escaped(dockerConfig)}: cannot read it \\(not a regular file`);
    for (const args of [['configure', '--registry', HOST], ['configure', '--all-registries'], ['doctor']]) {
      const result = await runExecutable(args, { env, killAfterMs: KILL_AFTER_MS });
      assert.equal(result.signal, null, `${args.join(' ')} with ${kind}: hung`);
      assert.equal(result.code, 1, `${args.join(' ')} with ${kind}: ${result.stdout}${result.stderr}`);
      assert.match(`${result.stdout}${result.stderr}`, message, `${args.join(' ')} with ${kind}`);
    }
  }
});

test('DOCKER_CREDENTIAL_ECR_CONFIG naming a missing file is an error naming it, never the default identity', async () => {
  const home = tempDir();
  const missing = join(home, 'etc', 'docker-credential-ecr.json');
  const result = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: missing },
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    new RegExp(
      `${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the config file named by DOCKER_CREDENTIAL_ECR_CONFIG does not exist`,
    ),
  );
  assert.equal(fake.callsFor('ecr').length, 0, 'no token fetched as the default identity');
  // The kubelet mode reads the same variable (the kubelet set-up names it on every node).
  const kubelet = await runExecutable(['kubelet-credential-provider'], {
    stdin: `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: 'credentialprovider.kubelet.k8s.io/v1', image: `${HOST}/app` })}\n`,
    env: { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: missing },
  });
  assert.equal(kubelet.code, 1);
  assert.match(kubelet.stderr, /does not exist/);
  // The default path, absent, is fine: built-in behaviour.
  assert.equal((await runExecutable(['get'], { stdin: HOST, env: helperEnv(fake.url, home) })).code, 0);
});
