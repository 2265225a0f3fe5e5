// Installing a release file by hand, as README.md's Install table and docs/platforms.md show it: check the download
// against checksums.txt, then `sudo install` it into /usr/local/bin, in a scratch root (a private mount namespace
// whose /usr/local is an overlay: nothing lands on this machine) where it is then found on PATH. Also the man page
// read from the release file and the Node start-up the page compares with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { assertBuilt, EXECUTABLE } from '../support/executable';
import { transcript } from '../support/command';
import { tempDir } from '../support/temp';
import { docCommand, runDocCommand, scratchPath, REPO } from '../support/doc-run';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const FILE = `docker-credential-ecr-v${VERSION}.linux-amd64`;
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A download directory: the executable under its release name and checksums.txt listing more than was fetched. */
function download(): { dir: string; env: Record<string, string> } {
  assertBuilt();
  const dir = tempDir('dce-download-');
  copyFileSync(EXECUTABLE, join(dir, FILE));
  writeFileSync(
    join(dir, 'checksums.txt'),
    `${sha256(join(dir, FILE))} *${FILE}\n${'0'.repeat(64)} *docker-credential-ecr-v${VERSION}.darwin-arm64\n`,
  );
  return { dir, env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir } };
}

test('checksums, then sudo install into /usr/local/bin, as docs/platforms.md shows them: found on PATH after', async () => {
  const checks = [
    docCommand(
      'docs/platforms.md',
      'sha256sum -c --ignore-missing checksums.txt        # macOS: shasum -a 256 -c --ignore-missing checksums.txt',
    ),
  ];
  const installs = ['docs/platforms.md'].map((f) =>
    docCommand(f, `sudo install -m 0755 ${FILE} /usr/local/bin/docker-credential-ecr`),
  );
  const d = download();
  for (const check of checks) {
    const r = await runDocCommand(check, { env: d.env, cwd: d.dir });
    assert.equal(r.code, 0, `${check.file}:${check.line}\n${transcript(r)}`);
    assert.equal(r.stdout, `${FILE}: OK\n`, transcript(r));
  }
  for (const install of installs) {
    const scratch = tempDir('dce-usr-local-');
    const r = await runDocCommand(install, {
      env: d.env,
      cwd: d.dir,
      scratch,
      after: 'command -v docker-credential-ecr && docker-credential-ecr version',
    });
    assert.equal(r.code, 0, `${install.file}:${install.line}\n${transcript(r)}`);
    assert.equal(
      r.after,
      `/usr/local/bin/docker-credential-ecr\ndocker-credential-ecr ${VERSION}\n`,
      `${install.file}:${install.line}: installed and found on PATH`,
    );
    assert.equal(statSync(scratchPath(scratch, '/usr/local/bin/docker-credential-ecr')).mode & 0o777, 0o755);
  }
});

test('sha256sum -c fails on a download that does not match checksums.txt', async () => {
  const d = download();
  writeFileSync(join(d.dir, FILE), 'not the release file');
  const check = docCommand(
    'docs/platforms.md',
    'sha256sum -c --ignore-missing checksums.txt        # macOS: shasum -a 256 -c --ignore-missing checksums.txt',
  );
  const r = await runDocCommand(check, { env: d.env, cwd: d.dir });
  assert.notEqual(r.code, 0, transcript(r));
  assert.match(r.stdout, new RegExp(`${FILE.replace(/\./g, '\\.')}: FAILED`));
});

test('man ./docker-credential-ecr.1 renders the release file', async () => {
  const d = download();
  copyFileSync(join(REPO, 'docs', 'docker-credential-ecr.1'), join(d.dir, 'docker-credential-ecr.1'));
  const man = docCommand('docs/platforms.md', 'man ./docker-credential-ecr.1');
  const r = await runDocCommand(man, { env: { ...d.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100' }, cwd: d.dir });
  assert.equal(r.code, 0, `${man.file}:${man.line}\n${transcript(r)}`);
  assert.match(r.stdout, /NAME\s+docker-credential-ecr/);
  assert.doesNotMatch(r.stderr, /warning/i, transcript(r));
});

test("node -e 0: Node's own start-up, which the npm package's hit is compared with", async () => {
  const c = docCommand('docs/platforms.md', 'node -e 0');
  const r = await runDocCommand(c, { env: { PATH: process.env.PATH ?? '' } });
  assert.equal(r.code, 0, transcript(r));
  assert.equal(r.stdout + r.stderr, '');
});
