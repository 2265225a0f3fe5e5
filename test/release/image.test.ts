// The container image (scripts/lib/image.mjs): dist/release/docker-credential-ecr-<version>.oci.tar is an OCI
// index for linux/amd64 and linux/arm64 (skopeo); each image's entrypoint is /usr/local/bin/docker-credential-ecr
// and its files are the release's executable, glibc and BusyBox with their licences. The amd64 image is run
// the way this machine can (`buildah run --isolation chroot`; podman run fails here on setrlimit): `version`,
// a `get` against the fake AWS from inside the image, and install-kubelet-plugin into a host directory for
// each distribution's path, after which the installed file runs on the host. The arm64 image's executable is
// byte for byte the release's linux-arm64 (run under qemu by executables.test.ts): binfmt_misc is not mounted
// here, so buildah cannot run an arm64 image. Skipped when dist/release is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommand, transcript } from '../support/command';
import { tempDir } from '../support/temp';
import { useFakeAws } from '../support/use-fake-aws';
import { RELEASE, ABSENT, version } from './release-dir';

const IMAGE = `oci-archive:${join(RELEASE, `docker-credential-ecr-${version}.oci.tar`)}`;
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PLUGIN_DIRS: Record<string, string> = {
  eks: '/etc/eks/image-credential-provider',
  k3s: '/var/lib/rancher/credentialprovider/bin',
  rke2: '/var/lib/rancher/credentialprovider/bin',
  bottlerocket: '/usr/libexec/kubernetes/kubelet/plugins',
  talos: '/usr/local/lib/kubelet/credentialproviders',
};

describe('container image', { skip: ABSENT }, () => {
  const fake = useFakeAws();
  const buildah = (args: string[]) =>
    spawnSync('buildah', [...storage, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000 });
  // after() hooks run in the order they are made: the containers are removed before their storage is.
  after(() => buildah(['rm', '--all']));
  const dir = tempDir('dce-image-');
  const storage = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs'];
  const containers: Record<string, string> = {};
  before(() => {
    for (const arch of ['amd64', 'arm64']) {
      const from = buildah(['from', '--arch', arch, '--name', `dce-${arch}`, IMAGE]);
      assert.equal(from.status, 0, from.stderr);
      containers[arch] = `dce-${arch}`;
    }
  });

  it('is an OCI index of linux/amd64 and linux/arm64 images whose entrypoint is /usr/local/bin/docker-credential-ecr', () => {
    const index = JSON.parse(spawnSync('skopeo', ['inspect', '--raw', IMAGE], { encoding: 'utf8' }).stdout);
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      index.manifests.map(
        (m: { platform: { os: string; architecture: string } }) => `${m.platform.os}/${m.platform.architecture}`,
      ),
      ['linux/amd64', 'linux/arm64'],
    );
    for (const arch of ['amd64', 'arm64']) {
      const config = JSON.parse(
        spawnSync('skopeo', ['--override-arch', arch, 'inspect', '--config', IMAGE], { encoding: 'utf8' }).stdout,
      );
      assert.equal(config.architecture, arch);
      assert.deepEqual(config.config.Entrypoint, ['/usr/local/bin/docker-credential-ecr']);
      assert.equal(config.config.Labels['org.opencontainers.image.version'], version);
    }
  });

  it('each image holds the release executable at the documented path, glibc, BusyBox and the licences', () => {
    for (const [arch, target] of [
      ['amd64', 'linux-amd64'],
      ['arm64', 'linux-arm64'],
    ]) {
      const mount = buildah(['mount', containers[arch]]).stdout.trim();
      assert.ok(mount, `buildah mount ${arch}`);
      assert.equal(
        sha256(readFileSync(join(mount, 'usr/local/bin/docker-credential-ecr'))),
        sha256(readFileSync(join(RELEASE, `docker-credential-ecr-v${version}.${target}`))),
      );
      for (const f of [
        'bin/busybox',
        'usr/local/bin/install-kubelet-plugin',
        'usr/share/doc/libc6/copyright',
        'usr/share/doc/busybox-static/copyright',
        'usr/share/doc/docker-credential-ecr/LICENSE',
        'usr/share/doc/docker-credential-ecr/THIRD-PARTY-NOTICES.txt',
      ])
        assert.ok(existsSync(join(mount, f)), `${arch}: ${f}`);
      assert.ok(
        existsSync(join(mount, arch === 'amd64' ? 'lib64/ld-linux-x86-64.so.2' : 'lib/ld-linux-aarch64.so.1')),
        `${arch}: the loader`,
      );
      buildah(['umount', containers[arch]]);
    }
  });

  it('the amd64 image runs its executable (buildah run --isolation chroot): version, and a get against the fake AWS', async () => {
    const v = buildah([
      'run',
      '--isolation',
      'chroot',
      containers.amd64,
      '--',
      '/usr/local/bin/docker-credential-ecr',
      'version',
    ]);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout, `docker-credential-ecr ${version}\n`);
    const env = [
      'AWS_ACCESS_KEY_ID=AKIAIMAGETESTKEY0001',
      'AWS_SECRET_ACCESS_KEY=image-test-secret',
      `AWS_ENDPOINT_URL_ECR=${fake.url}`,
      'AWS_EC2_METADATA_DISABLED=true',
    ].flatMap((e) => ['--env', e]);
    // buildah runs asynchronously: spawnSync would block the fake's event loop.
    const r = await runCommand(
      'buildah',
      [
        ...storage,
        'run',
        '--isolation',
        'chroot',
        ...env,
        containers.amd64,
        '--',
        '/usr/local/bin/docker-credential-ecr',
        'get',
      ],
      { env: process.env as Record<string, string>, stdin: HOST, timeoutMs: 300_000 },
    );
    assert.equal(r.code, 0, transcript(r));
    assert.equal(JSON.parse(r.stdout).ServerURL, HOST);
    assert.equal(fake.callsFor('ecr').length, 1);
  });

  it("install-kubelet-plugin puts the executable in each distribution's plugin directory on the host, where it runs; a bad target is refused", () => {
    for (const [name, path] of Object.entries(PLUGIN_DIRS)) {
      const host = mkdtempSync(join(dir, `host-${name}-`));
      const r = buildah([
        'run',
        '--isolation',
        'chroot',
        '-v',
        `${host}:/host`,
        containers.amd64,
        '--',
        '/usr/local/bin/install-kubelet-plugin',
        name,
      ]);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`installed ${path}/docker-credential-ecr`));
      const installed = join(host, path, 'docker-credential-ecr');
      const v = spawnSync(installed, ['version'], { encoding: 'utf8' });
      assert.equal(v.stdout, `docker-credential-ecr ${version}\n`, `${name}: ${v.stderr}`);
    }
    const bad = buildah([
      'run',
      '--isolation',
      'chroot',
      containers.amd64,
      '--',
      '/usr/local/bin/install-kubelet-plugin',
      'nowhere',
    ]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /usage: install-kubelet-plugin eks\|k3s/);
    const unmounted = buildah([
      'run',
      '--isolation',
      'chroot',
      containers.amd64,
      '--',
      '/usr/local/bin/install-kubelet-plugin',
      'eks',
      '/not-mounted',
    ]);
    assert.equal(unmounted.status, 1);
    assert.match(unmounted.stderr, /\/not-mounted is not mounted/);
  });
});
