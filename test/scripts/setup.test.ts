// npm test's set-up (scripts/setup.mjs, called by scripts/test.mjs): where it cannot install (not root), a
// machine without the tools fails at once, before any test runs, naming the one command that installs them.
// Where it can (root, apt-get), it installs them: shown by running the README's two commands on a machine
// without them (README "Build and test"), since doing that here would remove the tools of everyone else.
//
// "Not root" is uid 65534 (nobody). It runs a copy of scripts/ made readable for it: the checkout itself may be
// out of its reach (under /root, mode 0700, or cloned with umask 077).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../support/temp';

const ROOT = resolve(__dirname, '../..');
const NOBODY = { uid: 65534, gid: 65534 };

/** Everyone may read `path` and enter it, and everything below it. */
function openToAll(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.isDirectory() ? 0o755 : (stat.mode & 0o777) | 0o444);
  if (stat.isDirectory()) for (const name of readdirSync(path)) openToAll(join(path, name));
}

/**
 * What scripts/test.mjs looks at (scripts/, test/, dist/docker-credential-ecr), copied where nobody can read it:
 * under TMPDIR, else under /tmp (TMPDIR may be private too). `skip`, with the reason, where nobody can reach
 * either, or cannot run this Node.
 */
function copyForNobody(): { root: string; bin: string } | { skip: string } {
  const reasons: string[] = [];
  for (const parent of [undefined, '/tmp']) {
    const root = parent === undefined ? tempDir('dce-setup-copy-') : tempDirUnder(parent);
    cpSync(join(ROOT, 'scripts'), join(root, 'scripts'), { recursive: true });
    mkdirSync(join(root, 'test'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'docker-credential-ecr'), '');
    const bin = join(root, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    openToAll(root);
    const probe = spawnSync(
      process.execPath,
      ['-e', 'require("fs").accessSync(process.argv[1], 4)', join(root, 'scripts', 'test.mjs')],
      { ...NOBODY, encoding: 'utf8' },
    );
    if (probe.status === 0) return { root, bin };
    reasons.push(`${root}: ${probe.error?.message ?? probe.stderr.trim().split('\n')[0]}`);
  }
  return { skip: `uid 65534 cannot run ${process.execPath} on a copy of scripts/ (${reasons.join('; ')})` };
}

function tempDirUnder(parent: string): string {
  const old = process.env.TMPDIR;
  process.env.TMPDIR = parent;
  try {
    return tempDir('dce-setup-copy-');
  } finally {
    if (old === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = old;
  }
}

test('not root and the tools missing: npm test stops at once, naming every missing tool and `sudo node scripts/setup.mjs`', (t) => {
  const copy = copyForNobody();
  if ('skip' in copy) return t.skip(copy.skip);
  const r = spawnSync(process.execPath, ['scripts/test.mjs', 'no-such-test-file'], {
    cwd: copy.root,
    encoding: 'utf8',
    env: { PATH: copy.bin, HOME: copy.bin },
    ...NOBODY,
    timeout: 30_000,
  });
  assert.equal(r.status, 1, `${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
  assert.equal(r.stdout, '', 'no test ran');
  assert.match(r.stderr, /Install everything the tests need with: sudo node scripts\/setup\.mjs\n$/);
  const list = JSON.parse(readFileSync(join(ROOT, 'scripts/lib/test-packages.json'), 'utf8'));
  for (const [command, pkg] of Object.entries(list.commands))
    assert.ok(r.stderr.includes(`${command} (${pkg})`), `${command} is named: ${r.stderr}`);
  // The docker CLI comes with this kind of machine; no Debian package has a recent enough one. Said, not installed.
  assert.match(r.stderr, /It also needs what no Debian package provides: docker: the docker CLI 28/);
});

test('`node scripts/setup.mjs --check` lists what is missing and installs nothing', (t) => {
  const copy = copyForNobody();
  if ('skip' in copy) return t.skip(copy.skip);
  const r = spawnSync(process.execPath, ['scripts/setup.mjs', '--check'], {
    cwd: copy.root,
    encoding: 'utf8',
    env: { PATH: '/nonexistent' },
    ...NOBODY,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^missing: .*skopeo \(skopeo\).*podman \(podman\)/);
});

test('setup.mjs runs as a script from a path with a space, a quote and a non-ASCII letter (import.meta.url is percent-encoded there)', () => {
  const root = join(tempDir('dce-setup-odd-'), "with space, it's ü");
  mkdirSync(root);
  cpSync(join(ROOT, 'scripts'), join(root, 'scripts'), { recursive: true });
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs'), '--check'], {
    encoding: 'utf8',
    env: { PATH: '/nonexistent' },
  });
  assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^missing: .*skopeo \(skopeo\)/);
});
