// docs/install.md's dnf lines, run as written (taken from the page, placeholders OWNER/REPO filled with the release
// defaults) against the rpm repository the release workflow publishes: the publish job's own step (apt-repo.mjs
// writing the site and the public key as docker-credential-ecr.asc, then rpmsign, createrepo_c and the armoured
// detached signature of repodata/repomd.xml),
// run with a throwaway GPG key and served over HTTPS as https://docker-credential-ecr.github.io/docker-credential-ecr/
// from 127.0.0.1 with a throwaway CA. dnf is this machine's (Debian 12's dnf 4.14, rpm 4.18) in a chroot whose
// /usr and /etc are overlays of this machine's (test/support/dnf-root.ts): a Fedora userland is not reachable here.
//
// The glibc stand-in: our rpm Requires glibc's ELF capabilities (libc.so.6(GLIBC_2.17)(64bit) and the rest), which
// on Fedora or Amazon Linux the glibc package provides. No such repository is reachable here, so the test builds
// dce-test-glibc-stand-in with rpmbuild: no files, and Provides exactly the non-rpmlib Requires of our x86_64 rpm
// (read from the rpm, so it follows it), installed with `rpm -i` into the root's empty rpm database before dnf runs.
// The libraries the executable then loads are Debian's. What this shows: the repository, its signatures, the .repo
// file and the resolution of everything but glibc. What it cannot: that a real Fedora or AL2023 glibc satisfies
// those Requires (rpm.test.ts checks they are glibc's plain symbol versions), or yum and rpm 4.11 on Amazon Linux 2.
// Needs root (chroot, mounts, a network namespace); skipped, saying so, without it or without dist/release.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { throwawayGpgKey } from '../support/debian-root';
import { docCommand } from '../support/doc-run';
import { startDnfRoot, runShownInRoot, type DnfRoot } from '../support/dnf-root';
import { makeCa, makeLeaf, type CaFiles, type LeafCert } from '../support/tls';
import { findOnPath } from '../support/tools';
import { armoured, buildStandIn, publish, RELEASE, RPM, sh, STAND_IN, version, type Key } from './rpm-publish';

const [OWNER, REPO] = ['docker-credential-ecr', 'docker-credential-ecr'];
const PAGES = `${OWNER}.github.io`;
const missingTool = [
  'dnf',
  'createrepo_c',
  'rpmsign',
  'rpmbuild',
  'gpg',
  'unshare',
  'nsenter',
  'chroot',
  'ip',
  'script',
  'update-ca-certificates',
].find((t) => !findOnPath(t, `${process.env.PATH ?? ''}:/usr/sbin:/sbin`));
const SKIP = !existsSync(join(RELEASE, RPM))
  ? 'dist/release is absent: run `npm run release` to check the release artifacts'
  : process.getuid?.() !== 0
    ? 'needs root: the dnf root is a chroot with overlay mounts in its own mount and network namespace'
    : missingTool
      ? `${missingTool} is missing: npm test installs it as root from scripts/lib/test-packages.json (sudo node scripts/setup.mjs)`
      : false;

const TEE = docCommand(
  'docs/install.md',
  `sudo tee /etc/yum.repos.d/docker-credential-ecr.repo <<'EOF_REPO'\n[docker-credential-ecr]\nname=docker-credential-ecr\nbaseurl=https://OWNER.github.io/REPO/rpm\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=https://OWNER.github.io/REPO/docker-credential-ecr.asc\nEOF_REPO`,
);
const INSTALL = docCommand('docs/install.md', 'sudo dnf install docker-credential-ecr        # yum on Amazon Linux 2');
const README_INSTALL = docCommand('README.md', 'sudo dnf install docker-credential-ecr');
const CHECK = docCommand(
  'docs/install.md',
  'rpm -K docker-credential-ecr-*.rpm            # for a downloaded package: "digests signatures OK"',
);
const VALUES = { OWNER, REPO };
// dnf asks twice: the transaction, then the import of the key gpgkey= names (after showing its fingerprint).
const ANSWERS = { terminal: true, input: 'y\ny\ny\n' };
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe("dnf: docs/install.md's dnf lines against the published rpm repository", { skip: SKIP }, () => {
  let work = '';
  let fake: FakeAws;
  let ca: CaFiles;
  let leaf: LeafCert;
  let ours: Key;
  let other: Key;
  let standIn = '';
  const roots: DnfRoot[] = [];
  const root = async (name: string, site: string): Promise<DnfRoot> => {
    const r = await startDnfRoot(join(work, name), site, PAGES, REPO, ca, leaf);
    roots.push(r);
    assert.equal((await runShownInRoot(r, TEE, VALUES)).code, 0);
    return r;
  };
  const installStandIn = async (r: DnfRoot) => {
    copyFileSync(standIn, join(r.dir, 'tmp', 'stand-in.rpm'));
    const i = await r.run('rpm -i /tmp/stand-in.rpm');
    assert.equal(i.code, 0, `${i.stdout}${i.stderr}`);
  };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'dce-dnf-'));
    fake = await startFakeAws();
    ca = makeCa(join(work, 'ca'));
    leaf = makeLeaf(ca, join(work, 'ca'), [PAGES]);
    ours = throwawayGpgKey(work, 'release');
    other = throwawayGpgKey(work, 'other');
    standIn = buildStandIn(work);
  });
  after(async () => {
    for (const r of roots) await r.close();
    await fake?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the .repo file as written, then `dnf install` resolves (with the glibc stand-in), imports the key, installs; the executable runs; rpm -K passes', async () => {
    const site = publish(work, 'published', ours, [RPM, `docker-credential-ecr-${version}-1.aarch64.rpm`]);
    sh(
      'gpg',
      ['--batch', '--verify', join(site, 'rpm/repodata/repomd.xml.asc'), join(site, 'rpm/repodata/repomd.xml')],
      { ...process.env, GNUPGHOME: ours.home },
    );
    const r = await root('root', site);
    assert.equal(
      readFileSync(join(r.scratch, 'etc-upper/yum.repos.d/docker-credential-ecr.repo'), 'utf8').split('\n')[2],
      `baseurl=https://${PAGES}/${REPO}/rpm`,
    );

    // The package as the repository serves it, before dnf has imported any key: the doc's check line fails.
    copyFileSync(join(site, 'rpm', RPM), join(r.dir, 'root', RPM));
    const noKey = await runShownInRoot(r, CHECK, VALUES);
    assert.equal(noKey.code, 1, noKey.stdout);
    assert.match(noKey.stdout, /SIGNATURES NOT OK/);

    // Without the stand-in, the glibc Requires are what stops dnf: they are real dependencies, not decoration.
    const unresolved = await runShownInRoot(r, INSTALL, VALUES, ANSWERS);
    assert.equal(unresolved.code, 1, unresolved.stdout);
    assert.match(
      unresolved.stdout,
      new RegExp(
        `nothing provides libc\\.so\\.6\\(GLIBC_2\\.17\\)\\(64bit\\) needed by docker-credential-ecr-${version}-1\\.x86_64`,
      ),
    );

    await installStandIn(r);
    const install = await runShownInRoot(r, INSTALL, VALUES, ANSWERS);
    assert.equal(install.code, 0, install.stdout);
    assert.match(
      install.stdout,
      new RegExp(
        `Importing GPG key 0x${ours.keyId.slice(-8)}:[\\s\\S]*Fingerprint: ${ours.keyId.replace(/(.{4})(?!$)/g, '$1 ')}[\\s\\S]*From +: https://${PAGES}/${REPO}/docker-credential-ecr\\.asc`,
      ),
    );
    assert.match(install.stdout, /Key imported successfully[\s\S]*Complete!/);
    const fetched = r.requests();
    for (const path of [
      'rpm/repodata/repomd.xml',
      'rpm/repodata/repomd.xml.asc',
      'docker-credential-ecr.asc',
      `rpm/${RPM}`,
    ])
      assert.ok(fetched.includes(`GET ${PAGES}/${REPO}/${path}`), fetched.join('\n'));
    assert.ok(!fetched.some((f) => f.includes('aarch64')), 'dnf fetched only the package for this architecture');

    const again = await runShownInRoot(r, README_INSTALL, VALUES, ANSWERS);
    assert.equal(again.code, 0, again.stdout);
    assert.match(
      again.stdout,
      new RegExp(
        `Package docker-credential-ecr-${version}-1\\.x86_64 is already installed\\.[\\s\\S]*Nothing to do\\.`,
      ),
    );

    const inRoot = await r.run(
      `docker-credential-ecr version && rpm -q docker-credential-ecr ${STAND_IN} && rpm -V docker-credential-ecr`,
    );
    assert.equal(inRoot.code, 0, `${inRoot.stdout}${inRoot.stderr}`);
    assert.equal(
      inRoot.stdout,
      `docker-credential-ecr ${version}\ndocker-credential-ecr-${version}-1.x86_64\n${STAND_IN}-1-1.x86_64\n`,
    );

    const signed = await runShownInRoot(r, CHECK, VALUES);
    assert.equal(signed.code, 0, signed.stdout);
    assert.equal(signed.stdout, `${RPM}: digests signatures OK\n`);

    // The root has only loopback, so `get` runs the installed file (from the overlay's upper layer) from here.
    const get = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(join(r.scratch, 'usr-upper/bin/docker-credential-ecr'), ['get'], {
        env: {
          PATH: '/usr/bin:/bin',
          HOME: work,
          AWS_ACCESS_KEY_ID: 'AKIADNFTESTKEY000001',
          AWS_SECRET_ACCESS_KEY: 'dnf-test-secret',
          AWS_ENDPOINT_URL_ECR: fake.url,
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (code) => done({ code, stdout, stderr }));
      child.stdin.end(HOST);
    });
    assert.equal(get.code, 0, get.stderr);
    assert.equal(JSON.parse(get.stdout).ServerURL, HOST);
    assert.equal(fake.callsFor('ecr').length, 1);
  });

  it('repo_gpgcheck: repository metadata signed by another key than docker-credential-ecr.asc is refused', async (t: TestContext) => {
    const site = publish(work, 'metadata-other-key', other, [RPM]);
    writeFileSync(join(site, 'docker-credential-ecr.asc'), armoured(ours));
    const r = await root('root-metadata', site);
    await installStandIn(r);
    const refused = await runShownInRoot(r, INSTALL, VALUES, ANSWERS);
    assert.equal(refused.code, 1, refused.stdout);
    t.diagnostic(
      `dnf install, exit ${refused.code}: ${refused.stdout
        .split('\n')
        .filter((l) => /error|GPG|key|match/i.test(l))
        .join(' | ')}`,
    );
    assert.match(refused.stdout, /repomd\.xml GPG signature verification error: Bad GPG signature/);
    assert.match(refused.stdout, /Error: Unable to find a match: docker-credential-ecr/);
    assert.ok(!r.requests().some((f) => f.endsWith('.rpm')), r.requests().join('\n'));
    assert.equal((await r.run('rpm -q docker-credential-ecr')).code, 1);
  });

  it('gpgcheck: a package signed by another key than docker-credential-ecr.asc is refused, in a repository whose metadata is signed right', async (t: TestContext) => {
    const site = publish(work, 'package-other-key', other, [RPM]);
    writeFileSync(join(site, 'docker-credential-ecr.asc'), armoured(ours));
    sh(
      'gpg',
      [
        '--batch',
        '--yes',
        '--local-user',
        ours.keyId,
        '--armor',
        '--detach-sign',
        join(site, 'rpm/repodata/repomd.xml'),
      ],
      { ...process.env, GNUPGHOME: ours.home },
    );
    const r = await root('root-package', site);
    await installStandIn(r);
    const refused = await runShownInRoot(r, INSTALL, VALUES, ANSWERS);
    assert.equal(refused.code, 1, refused.stdout);
    t.diagnostic(
      `dnf install, exit ${refused.code}: ${refused.stdout
        .split('\n')
        .filter((l) => /error|GPG|key|match/i.test(l))
        .join(' | ')}`,
    );
    assert.match(
      refused.stdout,
      new RegExp(`Public key for ${RPM.replace(/\./g, '\\.')} is not installed[\\s\\S]*Error: GPG check FAILED`),
    );
    assert.ok(r.requests().includes(`GET ${PAGES}/${REPO}/rpm/${RPM}`), r.requests().join('\n'));
    assert.equal((await r.run('rpm -q docker-credential-ecr')).code, 1);
  });
});
