// The README's two commands in a clone of this checkout's HEAD placed where a newcomer's checkout may be and
// the suite's authors never were: under a directory only its owner may enter (as /root is), a path with a space,
// a quote and a non-ASCII letter, files created under umask 077, TMPDIR private and elsewhere, HOME unset, and
// the tests run on a checkout mounted read-only once built (where this runs as root with unshare; else said).
// A test that assumes a readable checkout, an unquoted path, the default umask, a HOME or a writable checkout
// fails here.
// .ci/run runs it after the suite; locally: `node scripts/test-elsewhere.mjs` (commits only: it clones HEAD).
//
// The suite runs whole but for test/release (no dist/release in the clone: those tests skip): there is no
// faster tier yet that still covers the paths, modes and command lines this is about.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const base = mkdtempSync(join(tmpdir(), 'dce-elsewhere-'));
const privateDir = join(base, 'only its owner');
const checkout = join(privateDir, "a checkout, it's ü");
const temp = join(privateDir, 'tmp dir');

function run(what, command, args, env) {
  console.error(`test-elsewhere: ${what}`);
  // umask 077 for everything the commands create; the shell passes the arguments on untouched.
  const r = spawnSync('/bin/sh', ['-c', 'umask 077 && exec "$@"', 'sh', command, ...args], {
    cwd: checkout,
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) {
    console.error(`test-elsewhere: ${what} failed (exit ${r.status ?? r.signal}) in ${checkout}`);
    process.exit(1);
  }
}

try {
  mkdirSync(privateDir);
  chmodSync(privateDir, 0o700);
  mkdirSync(temp);
  const clone = spawnSync('git', ['clone', '--quiet', root, checkout], { stdio: 'inherit' });
  if (clone.status !== 0) throw new Error('git clone failed');
  const env = { ...process.env, TMPDIR: temp };
  delete env.HOME;
  // npm needs a cache: the usual one (under the user's home from the password database), not one in the clone.
  run('npm ci', 'npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], env);
  run('npm run build', 'npm', ['run', 'build'], env);
  // A private mount namespace in which the checkout is read-only: the tests must write only under TMPDIR.
  const readOnly = spawnSync('unshare', ['-m', 'true']).status === 0;
  if (readOnly) {
    const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && cd "$1" && exec npm test';
    run('npm test, the checkout read-only', 'unshare', ['-m', 'sh', '-c', script, 'sh', checkout], env);
  } else {
    console.error(
      'test-elsewhere: no private mount namespace here (unshare -m needs root): the checkout stays writable',
    );
    run('npm test', 'npm', ['test'], env);
  }
  console.error(
    `test-elsewhere: passed in ${checkout} (umask 077, TMPDIR=${temp}, HOME unset${readOnly ? ', read-only' : ''})`,
  );
} finally {
  rmSync(base, { recursive: true, force: true });
}
