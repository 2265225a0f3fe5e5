// npm test's set-up (scripts/setup.mjs, called by scripts/test.mjs): where it cannot install (not root), a
// machine without the tools fails at once, before any test runs, naming the one command that installs them.
// Where it can (root, apt-get), it installs them: shown by running the README's two commands on a machine
// without them (README "Build and test"), since doing that here would remove the tools of everyone else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../support/temp';

const ROOT = resolve(__dirname, '../..');

test('not root and the tools missing: npm test stops at once, naming every missing tool and `sudo node scripts/setup.mjs`', () => {
  const bin = tempDir('dce-setup-path-');
  chmodSync(bin, 0o755);
  symlinkSync(process.execPath, join(bin, 'node'));
  const r = spawnSync(process.execPath, ['scripts/test.mjs', 'no-such-test-file'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: bin, HOME: bin },
    uid: 65534,
    gid: 65534,
    timeout: 30_000,
  });
  assert.equal(r.status, 1, `${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
  assert.equal(r.stdout, '', 'no test ran');
  assert.match(r.stderr, /Install everything the tests need with: sudo node scripts\/setup\.mjs\n$/);
  const list = JSON.parse(readFileSync(join(ROOT, 'scripts/lib/test-packages.json'), 'utf8'));
  for (const [command, pkg] of Object.entries(list.commands)) assert.ok(r.stderr.includes(`${command} (${pkg})`), `${command} is named: ${r.stderr}`);
  // The docker CLI comes with this kind of machine; no Debian package has a recent enough one. Said, not installed.
  assert.match(r.stderr, /It also needs what no Debian package provides: docker: the docker CLI 28/);
});

test('`node scripts/setup.mjs --check` lists what is missing and installs nothing', () => {
  const r = spawnSync(process.execPath, ['scripts/setup.mjs', '--check'], { cwd: ROOT, encoding: 'utf8', env: { PATH: '/nonexistent' }, uid: 65534, gid: 65534 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^missing: .*skopeo \(skopeo\).*podman \(podman\)/);
});
