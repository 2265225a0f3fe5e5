// The negative control: a helper answering a wrong secret is refused by the rig's registry (rig.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transcript } from '../../support/command';
import { HOST, policyFile, trustDir, useRig } from './rig';
import { loadLocal, pull, session, UNAUTHORIZED } from './session';

useRig();

test('negative control: a helper answering a wrong secret is refused by the registry, for podman and buildah', async () => {
  const s = session('XDG_RUNTIME_DIR', { helper: 'ecrwrong' });
  const ref = `${HOST}/repo:refused`;
  const pulled = await pull(s, ref, 'refused');
  assert.equal(pulled.code, 125, transcript(pulled));
  assert.match(pulled.stderr, UNAUTHORIZED);
  await loadLocal(s, ref);
  const pushed = await s.podman(['push', '--cert-dir', trustDir, ref]);
  assert.equal(pushed.code, 125, transcript(pushed));
  assert.match(pushed.stderr, UNAUTHORIZED);
  const context = join(s.home, 'context');
  mkdirSync(context);
  writeFileSync(join(context, 'Containerfile'), `FROM ${ref}\n`);
  const built = await s.buildah([
    'bud',
    '--isolation',
    'chroot',
    '--signature-policy',
    policyFile,
    '--cert-dir',
    trustDir,
    '-f',
    join(context, 'Containerfile'),
    context,
  ]);
  assert.notEqual(built.code, 0, transcript(built));
  assert.match(built.stderr, UNAUTHORIZED);
  assert.deepEqual(s.calls(), []);
});
