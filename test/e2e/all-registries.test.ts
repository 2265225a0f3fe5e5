// `configure --all-registries` and its undo with a Docker credsStore that names no helper ("secret service"), with
// the built executable and the fake AWS: the value is refused before it reaches the helper config (where it would
// break every `get`), and a config an older version wrote that way can still be undone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable } from '../support/executable';
import { helperEnv, linkHelper } from '../support/helper-bin';
import { tempDir } from '../support/temp';

const ECR_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const fake = useFakeAws();

function setup(
  dockerConfig: object,
  helperConfig?: object,
): { env: Record<string, string>; docker: string; helper: string } {
  const home = tempDir('dce-allreg-e2e-');
  mkdirSync(join(home, '.docker'));
  const docker = join(home, '.docker', 'config.json');
  writeFileSync(docker, JSON.stringify(dockerConfig, null, '\t'));
  const helper = join(home, '.config', 'docker-credential-ecr', 'config.json');
  if (helperConfig) {
    mkdirSync(join(home, '.config', 'docker-credential-ecr'), { recursive: true });
    writeFileSync(helper, JSON.stringify(helperConfig, null, 2));
  }
  // Only this helper on PATH (configure refuses when Docker could not find it): no store, no `pass`.
  const bin = linkHelper(join(home, 'bin'));
  return { env: { ...helperEnv(fake.url, home), PATH: bin }, docker, helper };
}

test('a Docker credsStore that names no helper is refused, naming it, before anything is written; get keeps working', async () => {
  const h = setup({ auths: {}, credsStore: 'secret service' });
  const before = readFileSync(h.docker, 'utf8');
  const result = await runExecutable(['configure', '--all-registries'], { env: h.env });
  assert.equal(result.code, 1, result.stdout);
  assert.equal(
    result.stderr,
    `docker-credential-ecr: ${h.docker}: "credsStore": "secret service" is not a credential helper's name (must name a credential helper, like "pass" for docker-credential-pass), so Docker cannot run it either; ` +
      'set it to the store you use ("pass", "secretservice", "osxkeychain", "wincred", "desktop") or remove it, then run configure again; nothing was changed\n',
  );
  assert.equal(readFileSync(h.docker, 'utf8'), before);
  assert.equal(existsSync(h.helper), false, 'the helper config was not written');
  const get = await runExecutable(['get'], { env: h.env, stdin: ECR_HOST });
  assert.equal(get.code, 0, get.stdout + get.stderr);
  assert.equal(JSON.parse(get.stdout).Secret, fake.issued[0].password);

  for (const name of ['../../bin/sh', 'docker-credential-pass', 'ecr']) {
    const other = setup({ credsStore: name });
    const refused = await runExecutable(['configure', '--all-registries'], { env: other.env });
    assert.equal(refused.code, name === 'ecr' ? 0 : 1, `${name}: ${refused.stderr}`);
    if (name !== 'ecr') assert.match(refused.stderr, /is not a credential helper's name .*nothing was changed\n$/);
    assert.equal(existsSync(other.helper), false, name);
  }
});

test('--undo-all-registries runs when the helper config holds such a name (as an older version wrote it), and puts back no broken value', async () => {
  const h = setup({ auths: {}, credsStore: 'ecr' }, { credsStore: 'secret service' });
  // What the review saw: every get fails on the helper config, ECR hosts included.
  const broken = await runExecutable(['get'], { env: h.env, stdin: ECR_HOST });
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /config\.json:2: "credsStore" must name a credential helper/);

  const undo = await runExecutable(['configure', '--undo-all-registries'], { env: h.env });
  assert.equal(undo.code, 0, undo.stderr);
  assert.match(
    undo.stdout,
    /Warning: .*config\.json:2: "credsStore" must name a credential helper, like "pass" for docker-credential-pass; its store is not restored, and Docker goes back to its own choice of store\./,
  );
  assert.match(undo.stdout, /Docker now uses its own choice of store for every registry/);
  assert.deepEqual(JSON.parse(readFileSync(h.docker, 'utf8')), { auths: {} });
  assert.deepEqual(JSON.parse(readFileSync(h.helper, 'utf8')), {});
  const get = await runExecutable(['get'], { env: h.env, stdin: ECR_HOST });
  assert.equal(get.code, 0, get.stdout + get.stderr);
});
