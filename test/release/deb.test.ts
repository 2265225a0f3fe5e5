// The Debian packages (scripts/lib/deb.mjs) and the apt repository made from them (scripts/lib/apt-repo.mjs):
// lintian finds no error (and does find them in a package stripped of its copyright and overrides); the
// metadata and contents are what they should be; `dpkg -i` installs the amd64 package into a fresh Debian 12
// root (test/support/debian-root.ts), where `version`, `man -w`-less man page path and a `get` against the fake
// AWS work; the arm64 package is unpacked with dpkg -x and its executable run under qemu-user (binfmt_misc is
// not mounted here, so an arm64 root cannot run its own programs); `apt-get install docker-credential-ecr`
// works from a file: source made from the published docker-credential-ecr.sources (the throwaway key embedded in
// Signed-By), and the same repository signed by another key is refused. Skipped when dist/release is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { FakeAws } from '../support/fake-aws';
import { runCommand, transcript } from '../support/command';
import { tempDir } from '../support/temp';
import { useFakeAws } from '../support/use-fake-aws';
import { freshDebianRoot, throwawayGpgKey, type DebianRoot } from '../support/debian-root';
import { RELEASE, ABSENT, version, scriptLib } from './release-dir';

const deb = (arch: string) => join(RELEASE, `docker-credential-ecr_${version}_${arch}.deb`);
const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000, ...opts });
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const helperEnv = (fake: FakeAws, home: string) => ({
  HOME: home,
  AWS_ACCESS_KEY_ID: 'AKIADEBTESTKEY000001',
  AWS_SECRET_ACCESS_KEY: 'deb-test-secret',
  AWS_ENDPOINT_URL_ECR: fake.url,
  AWS_EC2_METADATA_DISABLED: 'true',
});
interface AptRepo {
  buildAptRepo(o: { releaseDir: string; out: string; keyId: string; gnupgHome: string }): string;
  buildPagesSite(o: { releaseDir: string; out: string; keyId: string; gnupgHome: string }): string;
  pagesUrl(): string;
  SOURCES_FILE: string;
}

/** `get` through the installed helper in the root: a token from the fake, once. */
async function assertGet(root: DebianRoot, fake: FakeAws, t: TestContext) {
  const before = fake.callsFor('ecr').length;
  // spawnSync would block the fake's event loop: chroot runs asynchronously here.
  const r = await runCommand('/usr/sbin/chroot', [root.dir, '/usr/bin/docker-credential-ecr', 'get'], {
    env: { PATH: '/usr/bin:/bin', ...helperEnv(fake, '/root') },
    stdin: HOST,
    timeoutMs: 300_000,
  });
  assert.equal(r.code, 0, transcript(r));
  const answer = JSON.parse(r.stdout);
  assert.equal(answer.Username, 'AWS');
  assert.equal(answer.ServerURL, HOST);
  assert.ok(answer.Secret.length > 20);
  assert.equal(fake.callsFor('ecr').length, before + 1, 'one GetAuthorizationToken');
  t.diagnostic(`get in the Debian root: ${answer.Username}@${answer.ServerURL}`);
}

describe('Debian packages', { skip: ABSENT }, () => {
  const fake = useFakeAws();
  const dir = tempDir('dce-deb-');

  it('lintian reports no error for either architecture; it does for a package without copyright and overrides', () => {
    const r = run('lintian', [
      '--fail-on',
      'error',
      '--suppress-tags',
      'spelling-error-in-binary',
      deb('amd64'),
      deb('arm64'),
    ]);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, /^E: /m);
    const tree = join(dir, 'broken');
    assert.equal(run('dpkg-deb', ['-R', deb('amd64'), tree]).status, 0);
    rmSync(join(tree, 'usr/share/doc/docker-credential-ecr/copyright'));
    rmSync(join(tree, 'usr/share/lintian/overrides'), { recursive: true });
    assert.equal(run('dpkg-deb', ['--root-owner-group', '-Znone', '--build', tree, join(dir, 'broken.deb')]).status, 0);
    const broken = run('lintian', ['--fail-on', 'error', join(dir, 'broken.deb')]);
    assert.equal(broken.status, 2, broken.stdout);
    assert.match(broken.stdout, /^E: docker-credential-ecr: no-copyright-file/m);
    assert.match(broken.stdout, /^E: docker-credential-ecr: unstripped-binary-or-object/m);
  });

  it('metadata and contents: Depends from dpkg-shlibdeps, the executable, man page, copyright, notices, overrides', () => {
    for (const arch of ['amd64', 'arm64']) {
      const f = (field: string) => run('dpkg-deb', ['-f', deb(arch), field]).stdout.trim();
      assert.deepEqual([f('Package'), f('Version'), f('Architecture')], ['docker-credential-ecr', version, arch]);
      assert.match(f('Depends'), /^libc6 \(>= 2\.\d+\)$/);
      const files = run('dpkg-deb', ['-c', deb(arch)])
        .stdout.trim()
        .split('\n');
      const paths = files
        .filter((l) => l.startsWith('-'))
        .map((l) => l.split(/\s+/).at(-1))
        .sort();
      assert.deepEqual(paths, [
        './usr/bin/docker-credential-ecr',
        './usr/share/doc/docker-credential-ecr/NOTICE',
        './usr/share/doc/docker-credential-ecr/THIRD-PARTY-NOTICES.txt.gz',
        './usr/share/doc/docker-credential-ecr/changelog.gz',
        './usr/share/doc/docker-credential-ecr/copyright',
        './usr/share/lintian/overrides/docker-credential-ecr',
        './usr/share/man/man1/docker-credential-ecr.1.gz',
      ]);
      for (const l of files) assert.match(l, /^\S+ root\/root /);
      assert.match(
        files.find((l) => l.endsWith('/usr/bin/docker-credential-ecr'))!,
        /^-rwxr-xr-x /,
      );
    }
  });

  it('dpkg -i installs the amd64 package into a fresh Debian 12 root, where it runs: version, get against the fake AWS; dpkg -r removes it', async (t: TestContext) => {
    const root = freshDebianRoot();
    try {
      cpSync(deb('amd64'), join(root.dir, 'tmp/p.deb'));
      const install = root.run(['dpkg', '-i', '/tmp/p.deb']);
      assert.equal(install.status, 0, install.stderr);
      const v = root.run(['docker-credential-ecr', 'version']);
      assert.equal(v.status, 0, v.stderr);
      assert.equal(v.stdout, `docker-credential-ecr ${version}\n`);
      assert.ok(existsSync(join(root.dir, 'usr/share/man/man1/docker-credential-ecr.1.gz')));
      await assertGet(root, fake, t);
      assert.equal(root.run(['dpkg', '-r', 'docker-credential-ecr']).status, 0);
      assert.ok(!existsSync(join(root.dir, 'usr/bin/docker-credential-ecr')));
    } finally {
      root.remove();
    }
  });

  it('the arm64 package unpacked (dpkg -x) runs under qemu-user: version', () => {
    const out = join(dir, 'arm64');
    assert.equal(run('dpkg-deb', ['-x', deb('arm64'), out]).status, 0);
    const r = run('qemu-aarch64-static', [join(out, 'usr/bin/docker-credential-ecr'), 'version']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `docker-credential-ecr ${version}\n`);
  });

  it('apt-get install from a file: repository with the published .sources (its key embedded in Signed-By) works; signed by another key it is refused', async (t: TestContext) => {
    const { buildAptRepo, buildPagesSite, pagesUrl, SOURCES_FILE } = await scriptLib<AptRepo>('apt-repo.mjs');
    const good = throwawayGpgKey(dir, 'release');
    const other = throwawayGpgKey(dir, 'intruder');
    const site = buildPagesSite({
      releaseDir: RELEASE,
      out: join(dir, 'site'),
      keyId: good.keyId,
      gnupgHome: good.home,
    });
    const published = readFileSync(join(site, SOURCES_FILE), 'utf8');
    assert.match(published, new RegExp(`^URIs: ${pagesUrl().replace(/\./g, '\\.')}/apt$`, 'm'));
    assert.match(
      published,
      /^Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n \.\n( \S+\n)+ -----END PGP PUBLIC KEY BLOCK-----\n$/m,
    );
    for (const [signer, ok] of [
      [good, true],
      [other, false],
    ] as const) {
      const root = freshDebianRoot();
      try {
        buildAptRepo({
          releaseDir: RELEASE,
          out: join(root.dir, 'srv/apt'),
          keyId: signer.keyId,
          gnupgHome: signer.home,
        });
        run('chmod', ['-R', 'a+rX', join(root.dir, 'srv/apt')]);
        // The source docs/install.md fetches, with file: in place of the published URL.
        writeFileSync(
          join(root.dir, 'etc/apt/sources.list.d/docker-credential-ecr.sources'),
          published.replace(/^URIs: .*$/m, 'URIs: file:/srv/apt'),
        );
        const update = root.run(['apt-get', 'update']);
        const install = root.run(['apt-get', 'install', '-y', 'docker-credential-ecr']);
        if (ok) {
          assert.equal(update.status, 0, `${update.stdout}${update.stderr}`);
          assert.equal(install.status, 0, `${install.stdout}${install.stderr}`);
          const v = root.run(['docker-credential-ecr', 'version']);
          assert.equal(v.stdout, `docker-credential-ecr ${version}\n`, v.stderr);
          await assertGet(root, fake, t);
        } else {
          assert.equal(update.status, 100, `${update.stdout}${update.stderr}`);
          assert.match(`${update.stdout}${update.stderr}`, /NO_PUBKEY|not signed/);
          assert.equal(install.status, 100);
          assert.match(install.stderr, /Unable to locate package docker-credential-ecr/);
          assert.ok(!existsSync(join(root.dir, 'usr/bin/docker-credential-ecr')));
        }
      } finally {
        root.remove();
      }
    }
  });
});
