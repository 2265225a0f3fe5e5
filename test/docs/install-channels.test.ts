// docs/install.md's other Linux channels, run as written (only OWNER, REPO and VERSION filled in): minisign from
// Debian, the archive block and the "Verify a download" block as the user `dev` on a fresh Debian 12 machine
// (test/support/new-user-root.ts), the one-package apt install, the dnf repository file (in a scratch /etc: no dnf
// here) and `rpm -K` on a package signed as the release workflow signs it. github.com and OWNER.github.io are a
// loopback address in the root's /etc/hosts, serving over HTTPS (a throwaway CA the root trusts) dist/release at
// /OWNER/REPO/releases/download/vVERSION/ and the Pages site scripts/lib/apt-repo.mjs builds. `minisign.pub` is
// the key the release was signed with: the throwaway one in dist/release-key/ here, packaging/minisign.pub for a
// published release. Needs root (chroot, port 443) and dist/release; skipped, saying why, without them.
// The machine and the site are test/docs/install-machine.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFakeDockerEngine } from '../support/fake-docker-engine';
import { throwawayGpgKey } from '../support/debian-root';
import { transcript } from '../support/command';
import { docCommand, runDocCommand, scratchPath } from '../support/doc-run';
import { DEB_AMD64 } from './doc-exemptions';
import {
  PAGE,
  ROOT,
  RELEASE,
  KEY,
  version,
  SKIP,
  TARBALL,
  TARBALL_OK,
  work,
  site,
  machine,
  owner,
  name,
  values,
  asUser,
  give,
  verifyBlock,
  useInstallMachine,
} from './install-machine';

describe("docs/install.md's Linux channels as a new user runs them", { skip: SKIP }, () => {
  useInstallMachine();

  it('minisign from Debian, then the archive block: download, verify (and the "Verify a download" block), unpack, install, version', async () => {
    const m = machine!;
    // Typed as root on that machine; apt asks before it installs minisign's libsodium too, and the user says yes.
    const minisign = docCommand(PAGE, 'apt-get install minisign');
    const got = await runDocCommand(minisign, {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
      launch: m.asRoot,
      stdin: 'y\n',
      timeoutMs: 300_000,
    });
    assert.equal(got.code, 0, `${PAGE}:${minisign.line}\n${transcript(got)}`);
    give(KEY, 'minisign.pub');
    const block = [
      'curl -fsSLO https://github.com/OWNER/REPO/releases/download/vVERSION/docker-credential-ecr-vVERSION.linux-amd64.tar.gz',
      'curl -fsSLO https://github.com/OWNER/REPO/releases/download/vVERSION/checksums.txt',
      'curl -fsSLO https://github.com/OWNER/REPO/releases/download/vVERSION/checksums.txt.minisig',
      'minisign -Vm checksums.txt -p minisign.pub && sha256sum --ignore-missing -c checksums.txt',
      'tar -xzf docker-credential-ecr-vVERSION.linux-amd64.tar.gz',
      'sudo install -m 0755 docker-credential-ecr-vVERSION.linux-amd64/docker-credential-ecr /usr/local/bin/',
      'docker-credential-ecr version',
    ].map((text) => docCommand(PAGE, text));
    assert.deepEqual(
      block.map((c) => c.line - block[0].line),
      [0, 1, 2, 3, 4, 5, 6],
      'the archive block is these seven lines, in this order',
    );
    const results = [];
    for (const [i, command] of block.entries()) {
      const r = await runDocCommand(command, asUser());
      assert.equal(r.code, 0, `${PAGE}:${command.line}: ${r.ran}\n${transcript(r)}`);
      results.push(r);
      if (i === 3) await verifyBlock();
    }
    assert.match(
      results[3].stderr + results[3].stdout,
      /Signature and comment signature verified/,
      transcript(results[3]),
    );
    assert.match(results[3].stdout, TARBALL_OK, transcript(results[3]));
    assert.equal(results[6].stdout, `docker-credential-ecr ${version}\n`, transcript(results[6]));
    assert.ok(existsSync(join(m.root.dir, 'usr/local/bin/docker-credential-ecr')));
    for (const file of [TARBALL, 'checksums.txt', 'checksums.txt.minisig'])
      assert.ok(
        site!.requests.includes(`GET https://github.com/${owner}/${name}/releases/download/v${version}/${file} 200`),
        site!.requests.join('\n'),
      );
  });

  it('one package: sudo apt-get install ./docker-credential-ecr_VERSION_amd64.deb, from the download directory', async () => {
    give(join(ROOT, DEB_AMD64), `docker-credential-ecr_${version}_amd64.deb`);
    const command = docCommand(PAGE, 'sudo apt-get install ./docker-credential-ecr_VERSION_amd64.deb');
    const r = await runDocCommand(command, asUser());
    assert.equal(r.code, 0, `${PAGE}:${command.line}: ${r.ran}\n${transcript(r)}`);
    const v = machine!.root.run(['/usr/bin/docker-credential-ecr', 'version']);
    assert.equal(v.stdout, `docker-credential-ecr ${version}\n`, v.stderr);
    assert.match(machine!.root.run(['dpkg', '-s', 'docker-credential-ecr']).stdout, /^Status: install ok installed$/m);
  });

  it('rpm -K on a downloaded package signed as the release workflow signs it (rpmsign), with the key imported', async () => {
    const key = throwawayGpgKey(work, 'rpm');
    const dir = join(work, 'rpm-download');
    const rpmHome = join(work, 'rpm-home');
    mkdirSync(dir);
    mkdirSync(rpmHome);
    const rpm = `docker-credential-ecr-${version}-1.x86_64.rpm`;
    copyFileSync(join(RELEASE, rpm), join(dir, rpm));
    const sign = spawnSync(
      'rpmsign',
      [
        '--addsign',
        '--define',
        '__gpg /usr/bin/gpg',
        '--define',
        `_gpg_name ${key.keyId}`,
        '--define',
        `_gpg_path ${key.home}`,
        join(dir, rpm),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(sign.status, 0, `${sign.stdout}${sign.stderr}`);
    // The user's rpm database, not this machine's: ~/.rpmmacros moves it; the key goes in as the page's gpgkey= would.
    writeFileSync(join(rpmHome, '.rpmmacros'), `%_dbpath ${join(rpmHome, 'rpmdb')}\n`);
    const env = { PATH: process.env.PATH ?? '', HOME: rpmHome };
    const asc = join(work, 'rpm-key.asc');
    assert.equal(
      spawnSync('gpg', ['--batch', '--armor', '--export', '-o', asc, key.keyId], {
        env: { ...env, GNUPGHOME: key.home },
      }).status,
      0,
    );
    for (const args of [['--initdb'], ['--import', asc]])
      assert.equal(spawnSync('rpm', args, { env }).status, 0, `rpm ${args.join(' ')}`);
    const command = docCommand(
      PAGE,
      'rpm -K docker-credential-ecr-*.rpm            # for a downloaded package: "digests signatures OK"',
    );
    const r = await runDocCommand(command, { env, cwd: dir });
    assert.equal(r.code, 0, transcript(r));
    assert.equal(r.stdout, `${rpm}: digests signatures OK\n`, transcript(r));
  });

  it('the image archive loaded without a registry: into containers-storage with skopeo, and into Docker with skopeo and docker load', async () => {
    const dir = join(work, 'image-download');
    mkdirSync(dir);
    const archive = `docker-credential-ecr-${version}.oci.tar`;
    symlinkSync(join(RELEASE, archive), join(dir, archive));
    // This machine's containers-storage stays untouched: the user's storage is a directory of the test's.
    const storage = join(work, 'storage.conf');
    writeFileSync(
      storage,
      `[storage]\ndriver = "vfs"\ngraphroot = ${JSON.stringify(join(work, 'graph'))}\nrunroot = ${JSON.stringify(join(work, 'run'))}\n`,
    );
    const engine = await startFakeDockerEngine();
    try {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: work,
        CONTAINERS_STORAGE_CONF: storage,
        DOCKER_HOST: engine.host,
      };
      const inWords = { VERSION: version };
      const podman = docCommand(
        PAGE,
        'skopeo copy oci-archive:docker-credential-ecr-VERSION.oci.tar containers-storage:docker-credential-ecr:VERSION',
      );
      const stored = await runDocCommand(podman, { env, cwd: dir, inWords, timeoutMs: 120_000 });
      assert.equal(stored.code, 0, `${PAGE}:${podman.line}: ${stored.ran}\n${transcript(stored)}`);
      const inspect = spawnSync('skopeo', ['inspect', `containers-storage:docker-credential-ecr:${version}`], {
        env,
        encoding: 'utf8',
      });
      assert.equal(inspect.status, 0, inspect.stderr);
      const image = JSON.parse(inspect.stdout) as { Architecture: string; Labels: Record<string, string> };
      assert.deepEqual([image.Architecture, image.Labels['org.opencontainers.image.version']], ['amd64', version]);
      const docker = docCommand(
        PAGE,
        'skopeo copy --override-arch amd64 oci-archive:docker-credential-ecr-VERSION.oci.tar docker-archive:dce.tar:docker-credential-ecr:VERSION && docker load -i dce.tar',
      );
      const loaded = await runDocCommand(docker, { env, cwd: dir, inWords, timeoutMs: 120_000 });
      assert.equal(loaded.code, 0, `${PAGE}:${docker.line}: ${loaded.ran}\n${transcript(loaded)}`);
      assert.match(
        loaded.stdout,
        new RegExp(
          `^Loaded image: (docker\\.io/library/)?docker-credential-ecr:${version.replace(/\./g, '\\.')}$`,
          'm',
        ),
        transcript(loaded),
      );
      assert.equal(engine.loads.length, 1);
    } finally {
      await engine.close();
    }
  });

  it('the dnf repository file, written as shown (a scratch /etc), names the rpm repository and the key the Pages site serves', async () => {
    const command = docCommand(
      PAGE,
      "sudo tee /etc/yum.repos.d/docker-credential-ecr.repo <<'EOF_REPO'\n[docker-credential-ecr]\nname=docker-credential-ecr\nbaseurl=https://OWNER.github.io/REPO/rpm\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=https://OWNER.github.io/REPO/docker-credential-ecr.asc\nEOF_REPO",
    );
    const scratch = join(work, 'scratch');
    // A dnf machine has /etc/yum.repos.d; this Debian one does not.
    const r = await runDocCommand(command, {
      env: { PATH: process.env.PATH ?? '' },
      values,
      scratch,
      before: 'mkdir -p /etc/yum.repos.d',
    });
    assert.equal(r.code, 0, transcript(r));
    const pages = `https://${owner.toLowerCase()}.github.io/${name}`;
    const repo = readFileSync(scratchPath(scratch, '/etc/yum.repos.d/docker-credential-ecr.repo'), 'utf8');
    assert.equal(
      repo,
      `[docker-credential-ecr]\nname=docker-credential-ecr\nbaseurl=${pages}/rpm\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=${pages}/docker-credential-ecr.asc\n`,
    );
    assert.ok(
      existsSync(join(work, 'site', `${owner.toLowerCase()}.github.io`, name, 'docker-credential-ecr.asc')),
      'the Pages site has the key gpgkey= names',
    );
  });
});
