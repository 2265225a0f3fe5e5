// The date of every file the release packages (scripts/lib/archives.mjs sourceDateEpoch, used by the archives, the
// .deb and the .rpm): SOURCE_DATE_EPOCH when set, else the last commit's time, else the release fails saying what
// to do. It used to fall back to 0 without a word: a fresh machine without git released packages dated 1970,
// which lintian and rpmlint refuse, found only by the package tests minutes later.
//
// sourceDateEpoch runs in a node child (it is an ES module of the scripts), on real directories and a real git:
// a repository with a commit, one without, a plain directory, a PATH without git, a repository another user owns.
// Then `node scripts/release.mjs` itself, its git pointed at an empty directory: it must stop before any work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../support/temp';

const ROOT = resolve(__dirname, '../..');
const ARCHIVES = pathToFileURL(join(ROOT, 'scripts/lib/archives.mjs')).href;
const GIT_PATH = '/usr/local/bin:/usr/bin:/bin';
const NO_GIT_PATH = '/nonexistent';
const WHAT_TO_DO = /Release from a git clone \(with its history\), or set SOURCE_DATE_EPOCH to the Unix time/;

type Dated = { epoch: number } | { error: string; message: string };

/** sourceDateEpoch({ dir, env }) in a node child: the date, or the error's class and message. */
function dateOf(dir: string, env: Record<string, string>): Dated {
  const program = `
    const { sourceDateEpoch } = await import(${JSON.stringify(ARCHIVES)});
    const [dir, env] = [process.argv[1], JSON.parse(process.argv[2])];
    try { console.log(JSON.stringify({ epoch: sourceDateEpoch({ dir, env }) })); }
    catch (e) { console.log(JSON.stringify({ error: e.constructor.name, message: e.message })); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program, dir, JSON.stringify(env)], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
  return JSON.parse(r.stdout) as Dated;
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: GIT_PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@example.invalid',
      GIT_COMMITTER_NAME: 'a',
      GIT_COMMITTER_EMAIL: 'a@example.invalid',
      GIT_AUTHOR_DATE: '@1700000000 +0000',
      GIT_COMMITTER_DATE: '@1700000000 +0000',
    },
  });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}

function repository(withCommit: boolean): string {
  const dir = join(tempDir('dce-release-date-'), 'checkout');
  mkdirSync(dir);
  git(dir, 'init', '-q');
  if (withCommit) git(dir, 'commit', '-q', '--allow-empty', '-m', 'first');
  return dir;
}

function assertRefused(dated: Dated, reason: RegExp): void {
  assert.ok('error' in dated, `refused, not dated ${JSON.stringify(dated)}`);
  assert.equal(dated.error, 'BuildError', 'a BuildError: the release prints its message, no stack');
  assert.match(dated.message, /^cannot date the packaged files: SOURCE_DATE_EPOCH is not set and `git log/);
  assert.match(dated.message, reason);
  assert.match(dated.message, WHAT_TO_DO);
}

test('a checkout with history: the last commit’s time', () => {
  assert.deepEqual(dateOf(repository(true), { PATH: GIT_PATH }), { epoch: 1700000000 });
});

test('SOURCE_DATE_EPOCH wins over the last commit, and needs neither git nor history', () => {
  assert.deepEqual(dateOf(repository(true), { PATH: GIT_PATH, SOURCE_DATE_EPOCH: '1600000000' }), {
    epoch: 1600000000,
  });
  assert.deepEqual(dateOf(tempDir('dce-release-date-'), { PATH: NO_GIT_PATH, SOURCE_DATE_EPOCH: '1600000000' }), {
    epoch: 1600000000,
  });
});

test('git missing: refused (not dated 1970), naming the package and SOURCE_DATE_EPOCH', () => {
  assertRefused(
    dateOf(repository(true), { PATH: NO_GIT_PATH }),
    /could not run \(git is not installed: apt-get install git\)/,
  );
});

test('no history (a directory that is no repository, or a repository without a commit): refused with git’s reason', () => {
  assertRefused(
    dateOf(tempDir('dce-release-date-'), { PATH: GIT_PATH }),
    /failed \(exit 128\): fatal: not a git repository/,
  );
  assertRefused(
    dateOf(repository(false), { PATH: GIT_PATH }),
    /failed \(exit 128\): fatal: .*does not have any commits yet/,
  );
});

test('a repository another user owns: refused as git refuses it (its config could run commands as us)', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root: the repository is handed to uid 65534');
  const dir = repository(true);
  const own = (path: string): void => {
    chownSync(path, 65534, 65534);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) own(join(path, name));
  };
  own(dir);
  assertRefused(dateOf(dir, { PATH: GIT_PATH, HOME: tempDir('dce-release-date-home-') }), /dubious ownership/);
});

test('SOURCE_DATE_EPOCH that is no Unix time: refused, not ignored', () => {
  const dated = dateOf(repository(true), { PATH: GIT_PATH, SOURCE_DATE_EPOCH: 'yesterday' });
  assert.deepEqual(dated, {
    error: 'BuildError',
    message: 'SOURCE_DATE_EPOCH="yesterday" is not a Unix time (whole seconds since 1970)',
  });
});

test('npm run release where git finds no history: exit 1 at once, the message on stderr, nothing written', () => {
  const releaseTemps = (): string[] =>
    existsSync(join(ROOT, 'dist')) ? readdirSync(join(ROOT, 'dist')).filter((n) => n.startsWith('.release-tmp-')) : [];
  const release = join(ROOT, 'dist', 'release');
  const before = existsSync(release) ? statSync(release).mtimeMs : undefined;
  // DCE_RUNTIME_CACHE where no directory can be: should the release not stop at the date (the old behaviour), it
  // fails at its first download instead of building for minutes; the assertions below still tell the two apart.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_DIR: tempDir('dce-release-date-'),
    DCE_RUNTIME_CACHE: '/dev/null/no-runtimes',
  };
  delete env.SOURCE_DATE_EPOCH;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/release.mjs')], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 1, `${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
  assert.equal(r.stdout, '', 'stopped before the first step');
  assert.match(
    r.stderr,
    /^release failed: cannot date the packaged files: SOURCE_DATE_EPOCH is not set and `git log -1 --format=%ct` in .* failed \(exit 128\): fatal: not a git repository/,
  );
  assert.match(r.stderr, WHAT_TO_DO);
  assert.deepEqual(releaseTemps(), [], 'no dist/.release-tmp-*');
  assert.equal(existsSync(release) ? statSync(release).mtimeMs : undefined, before, 'dist/release untouched');
});
