// The RPMs (scripts/lib/rpm.mjs): rpmlint finds no error with packaging/rpm/rpmlint.toml (each filter has its
// reason there) and does without it; metadata, files, the xz payload Amazon Linux 2 can read and the ELF
// Requires; installed with `rpm --root` into a scratch root (x86_64 run with the host's glibc: no Fedora or
// Amazon Linux repository is reachable here, so the scratch root has no glibc and the install uses --nodeps),
// where `version` and a `get` against the fake AWS work and `rpm -V` passes; the aarch64 one installed with
// --ignorearch and run under qemu-user; a copy signed with rpmsign and a throwaway key passes `rpm -K` once
// the key is imported and fails without it. Skipped when dist/release is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { runCommand, transcript } from '../support/command';
import { tempDir } from '../support/temp';
import { useFakeAws } from '../support/use-fake-aws';
import { throwawayGpgKey } from '../support/debian-root';
import { ROOT, RELEASE, ABSENT, version } from './release-dir';

const rpm = (arch: string) => join(RELEASE, `docker-credential-ecr-${version}-1.${arch}.rpm`);
const run = (cmd: string, args: string[], env?: NodeJS.ProcessEnv) =>
  spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000, env });
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('RPM packages', { skip: ABSENT }, () => {
  const fake = useFakeAws();
  const dir = tempDir('dce-rpm-');

  it('rpmlint reports no error with the project configuration; without it, it does', () => {
    const r = run('rpmlint', ['-c', join(ROOT, 'packaging/rpm/rpmlint.toml'), rpm('x86_64'), rpm('aarch64')]);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, / 0 errors/);
    const bare = run('rpmlint', [rpm('x86_64')]);
    assert.notEqual(bare.status, 0);
    assert.match(bare.stdout, /E: no-signature/);
  });

  it('metadata: name, version, arch, licence, xz payload, ELF Requires on glibc, the files', () => {
    for (const [arch, loader] of [
      ['x86_64', 'ld-linux-x86-64.so.2'],
      ['aarch64', 'ld-linux-aarch64.so.1'],
    ]) {
      const q = run('rpm', ['-qp', '--qf', '%{NAME} %{VERSION} %{ARCH} %{LICENSE} %{PAYLOADCOMPRESSOR}', rpm(arch)]);
      assert.equal(q.stdout, `docker-credential-ecr ${version} ${arch} Apache-2.0 xz`, q.stderr);
      const requires = run('rpm', ['-qp', '--requires', rpm(arch)]).stdout;
      assert.match(requires, /^libc\.so\.6\(GLIBC_2\.17\)\(64bit\)$/m);
      assert.ok(requires.includes(`${loader}()(64bit)`), requires);
      assert.doesNotMatch(requires, /PayloadIsZstd/, 'Amazon Linux 2 reads this payload');
      const files = run('rpm', ['-qpl', rpm(arch)])
        .stdout.trim()
        .split('\n');
      assert.deepEqual(files, [
        '/usr/bin/docker-credential-ecr',
        '/usr/share/licenses/docker-credential-ecr/LICENSE',
        '/usr/share/licenses/docker-credential-ecr/NOTICE',
        '/usr/share/licenses/docker-credential-ecr/THIRD-PARTY-NOTICES.txt',
        '/usr/share/man/man1/docker-credential-ecr.1.gz',
      ]);
    }
  });

  it('rpm --root installs the x86_64 package into a scratch root, where it runs (version, get against the fake AWS) and rpm -V passes', async (t: TestContext) => {
    const root = join(dir, 'root-x86_64');
    assert.equal(run('rpm', ['--root', root, '--initdb']).status, 0);
    const install = run('rpm', ['--root', root, '-ivh', '--nodeps', rpm('x86_64')]);
    assert.equal(install.status, 0, install.stderr);
    const exe = join(root, 'usr/bin/docker-credential-ecr');
    assert.equal(run(exe, ['version']).stdout, `docker-credential-ecr ${version}\n`);
    const r = await runCommand(exe, ['get'], {
      env: {
        PATH: '/usr/bin:/bin',
        HOME: dir,
        AWS_ACCESS_KEY_ID: 'AKIARPMTESTKEY000001',
        AWS_SECRET_ACCESS_KEY: 'rpm-test-secret',
        AWS_ENDPOINT_URL_ECR: fake.url,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      stdin: HOST,
      timeoutMs: 300_000,
    });
    assert.equal(r.code, 0, transcript(r));
    assert.equal(JSON.parse(r.stdout).ServerURL, HOST);
    assert.equal(fake.callsFor('ecr').length, 1);
    const verify = run('rpm', ['--root', root, '-V', '--nodeps', 'docker-credential-ecr']);
    assert.equal(verify.status, 0, `${verify.stdout}${verify.stderr}`);
    assert.equal(run('rpm', ['--root', root, '-e', '--nodeps', 'docker-credential-ecr']).status, 0);
    assert.ok(!existsSync(exe));
    t.diagnostic(
      'a dnf install on Amazon Linux 2023 or Fedora (dependency resolution, their rpm) was not shown: no such repository is reachable here',
    );
  });

  it('the aarch64 package, installed with --ignorearch, runs under qemu-user: version', () => {
    const root = join(dir, 'root-aarch64');
    assert.equal(run('rpm', ['--root', root, '--initdb']).status, 0);
    const install = run('rpm', ['--root', root, '-ivh', '--nodeps', '--ignorearch', rpm('aarch64')]);
    assert.equal(install.status, 0, install.stderr);
    const r = run('qemu-aarch64-static', [join(root, 'usr/bin/docker-credential-ecr'), 'version']);
    assert.equal(r.stdout, `docker-credential-ecr ${version}\n`, r.stderr);
  });

  it('a copy signed with rpmsign passes rpm -K with the key imported, and fails without it', () => {
    const key = throwawayGpgKey(dir, 'rpm');
    const signed = join(dir, 'signed.rpm');
    copyFileSync(rpm('x86_64'), signed);
    const sign = run('rpmsign', [
      '--addsign',
      '--define',
      '__gpg /usr/bin/gpg',
      '--define',
      `_gpg_name ${key.keyId}`,
      '--define',
      `_gpg_path ${key.home}`,
      signed,
    ]);
    assert.equal(sign.status, 0, `${sign.stdout}${sign.stderr}`);
    const root = join(dir, 'root-keys');
    run('rpm', ['--root', root, '--initdb']);
    const without = run('rpm', ['--root', root, '-K', signed]);
    assert.equal(without.status, 1, without.stdout);
    assert.match(without.stdout, /SIGNATURES NOT OK|NOKEY/);
    const asc = join(dir, 'rpm-key.asc');
    assert.equal(
      run('gpg', ['--batch', '--armor', '--export', '-o', asc, key.keyId], { ...process.env, GNUPGHOME: key.home })
        .status,
      0,
    );
    assert.equal(run('rpm', ['--root', root, '--import', asc]).status, 0);
    const withKey = run('rpm', ['--root', root, '-K', signed]);
    assert.equal(withKey.status, 0, withKey.stdout);
    assert.match(withKey.stdout, /digests signatures OK/);
  });
});
