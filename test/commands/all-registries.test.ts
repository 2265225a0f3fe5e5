// configure --all-registries in-process, with real files: what it says when no store is behind it, when credHelpers
// keep some hosts, and what it refuses. The round trip with the real docker CLI and pass is in
// test/e2e/creds-store/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { EXECUTABLE } from '../support/executable';
import { join } from 'node:path';
import { runInProcess } from '../support/run-cli';
import { tempDir } from '../support/temp';

function home(dockerConfig: object): { env: Record<string, string>; docker: string; helper: string } {
  const dir = tempDir('dce-allreg-');
  mkdirSync(join(dir, '.docker'));
  const docker = join(dir, '.docker', 'config.json');
  writeFileSync(docker, JSON.stringify(dockerConfig, null, 2));
  // A PATH directory with only this helper: no docker-credential-* store and no `pass` to find.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
  return {
    env: { HOME: dir, PATH: bin },
    docker,
    helper: join(dir, '.config', 'docker-credential-ecr', 'config.json'),
  };
}

test('no credsStore before and no store installed: it says docker login to other registries will fail, and which auths logins Docker stops reading', async () => {
  const h = home({
    auths: { 'ghcr.io': { auth: Buffer.from('octo:tok').toString('base64') }, 'https://index.docker.io/v1/': {} },
    credHelpers: { 'quay.io': 'quay', 'public.ecr.aws': 'ecr' },
  });
  const result = await runInProcess(['configure', '--all-registries'], { env: h.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^\+  "credsStore": "ecr"$/m, 'two-space indentation kept');
  assert.match(
    result.stdout,
    /Warning: there is no store for other registries .*docker login to Docker Hub or ghcr\.io will fail; name one with "credsStore" in /,
  );
  assert.match(
    result.stdout,
    /Warning: .*config\.json holds logins for ghcr\.io in "auths"; with "credsStore" set Docker no longer reads them\./,
  );
  assert.match(result.stdout, /Note: credHelpers still decide for quay\.io \(docker-credential-quay\)\./);
  assert.doesNotMatch(result.stdout, /octo|b2N0bzp0b2s/, 'no stored credential is shown');
  assert.equal(JSON.parse(readFileSync(h.docker, 'utf8')).credsStore, 'ecr');
  assert.equal(existsSync(h.helper), false, 'nothing to move behind us');

  const undo = await runInProcess(['configure', '--undo-all-registries'], { env: h.env });
  assert.equal(undo.code, 0, undo.stderr);
  assert.equal(JSON.parse(readFileSync(h.docker, 'utf8')).credsStore, undefined);
  assert.match(undo.stdout, /Docker now uses its own choice of store for every registry/);
});

test('--undo-all-registries when credsStore is not ecr changes nothing; unknown companions are refused', async () => {
  const h = home({ credsStore: 'desktop' });
  const before = readFileSync(h.docker, 'utf8');
  const undo = await runInProcess(['configure', '--undo-all-registries'], { env: h.env });
  assert.equal(undo.code, 0);
  assert.match(undo.stdout, /"credsStore" is "desktop", not "ecr"\. Nothing to undo\./);
  const both = await runInProcess(['configure', '--all-registries', '--undo-all-registries'], { env: h.env });
  assert.equal(both.code, 1);
  assert.match(both.stderr, /choose --all-registries or --undo-all-registries/);
  const containers = await runInProcess(['configure', '--all-registries', '--containers'], { env: h.env });
  assert.equal(containers.code, 1);
  assert.match(
    containers.stderr,
    /--containers does not go with --all-registries \(podman, skopeo and buildah do not read credsStore/,
  );
  assert.equal(readFileSync(h.docker, 'utf8'), before);
});

test('refused, writing nothing, when docker-credential-ecr is not on PATH: credsStore "ecr" would then fail every registry', async () => {
  const h = home({ auths: {} });
  const before = readFileSync(h.docker, 'utf8');
  const result = await runInProcess(['configure', '--all-registries'], {
    env: { ...h.env, PATH: join(h.env.HOME, 'empty') },
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /docker-credential-ecr is not on PATH, and with "credsStore": "ecr" Docker would fail for every registry; fix: sudo ln -s .* \/usr\/local\/bin\/docker-credential-ecr, then run this again; nothing was changed/,
  );
  assert.equal(readFileSync(h.docker, 'utf8'), before);
});

test('a plain auths login for another registry is named as no longer read, even with a store behind us', async () => {
  const h = home({ auths: { 'ghcr.io': { auth: Buffer.from('octo:tok').toString('base64') } } });
  // Docker's own rule picks pass when the `pass` program is installed too.
  writeFileSync(join(h.env.PATH, 'docker-credential-pass'), '#!/bin/sh\necho "{}"\n', { mode: 0o755 });
  writeFileSync(join(h.env.PATH, 'pass'), '#!/bin/sh\n', { mode: 0o755 });
  const result = await runInProcess(['configure', '--all-registries', '--dry-run'], { env: h.env });
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout, /their logins stay where they are/);
  assert.match(
    result.stdout,
    /holds logins for ghcr\.io in "auths"; with "credsStore" set Docker no longer reads them: docker login to each again/,
  );
  assert.match(result.stdout, /would go to docker-credential-ecr/);
});
