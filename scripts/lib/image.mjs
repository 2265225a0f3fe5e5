// The container image: an OCI index for linux/amd64 and linux/arm64, written as one oci-archive
// (docker-credential-ecr-<version>.oci.tar) by buildah from the release's glibc executables, with no network.
// Each image is FROM scratch plus:
//   /usr/local/bin/docker-credential-ecr        the executable (the entrypoint): COPY --from it
//   /lib..., /lib64/...                         the glibc it links (loader, libc, libm, libpthread, libdl),
//                                               copied from this machine's Debian libc6 / libc6:arm64
//   /bin/busybox, /usr/local/bin/install-kubelet-plugin   BusyBox (Debian's busybox-static, fetched with
//                                               apt-get download, verified by apt) to run the install script
//   /usr/share/doc/{docker-credential-ecr,libc6,busybox-static}/   the licences of all of it
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fail, root } from '../compile.mjs';
import { executableName, imageName, LEGAL_FILES, TARGETS } from './targets.mjs';

const ARCH = {
  amd64: {
    target: 'linux-amd64',
    triplet: 'x86_64-linux-gnu',
    loader: 'lib64/ld-linux-x86-64.so.2',
    multiarch: 'amd64',
  },
  arm64: {
    target: 'linux-arm64',
    triplet: 'aarch64-linux-gnu',
    loader: 'lib/ld-linux-aarch64.so.1',
    multiarch: 'arm64',
  },
};
const LIBS = ['libc.so.6', 'libm.so.6', 'libpthread.so.0', 'libdl.so.2'];
const CACHE = join(root, 'node_modules', '.cache', 'docker-credential-ecr-image');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000, ...opts });
  if (r.error || r.status !== 0)
    fail(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? `${r.stdout}${r.stderr}`.trim().slice(-3000)}`);
  return r.stdout.trim();
}

/** Debian's busybox-static for arch, unpacked (apt-get download checks it against the signed archive). */
function busybox(arch) {
  const dir = join(CACHE, `busybox-${arch}`);
  if (existsSync(join(dir, 'bin/busybox'))) return dir;
  mkdirSync(CACHE, { recursive: true });
  const dl = join(CACHE, `dl-${arch}`);
  rmSync(dl, { recursive: true, force: true });
  mkdirSync(dl);
  run('apt-get', ['download', `busybox-static:${arch}`], { cwd: dl });
  const deb = readdirSync(dl).find((n) => n.endsWith('.deb'));
  run('dpkg-deb', ['-x', join(dl, deb), join(dl, 'x')]);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(dl, 'x/bin/busybox'), join(dir, 'bin/busybox'));
  copyFileSync(join(dl, 'x/usr/share/doc/busybox-static/copyright'), join(dir, 'copyright'));
  rmSync(dl, { recursive: true, force: true });
  return dir;
}

function stageRootfs(version, arch, outDir, dir) {
  const a = ARCH[arch];
  const target = TARGETS.find((t) => t.name === a.target);
  for (const d of [
    'usr/local/bin',
    'bin',
    `lib/${a.triplet}`,
    'lib64',
    'tmp',
    'etc',
    'usr/share/doc/docker-credential-ecr',
    'usr/share/doc/libc6',
    'usr/share/doc/busybox-static',
  ])
    mkdirSync(join(dir, d), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  copyFileSync(join(outDir, executableName(version, target)), join(dir, 'usr/local/bin/docker-credential-ecr'));
  chmodSync(join(dir, 'usr/local/bin/docker-credential-ecr'), 0o755);
  copyFileSync(join(root, 'packaging/image/install-kubelet-plugin'), join(dir, 'usr/local/bin/install-kubelet-plugin'));
  chmodSync(join(dir, 'usr/local/bin/install-kubelet-plugin'), 0o755);
  const host = arch === 'amd64' ? '/lib/x86_64-linux-gnu' : '/lib/aarch64-linux-gnu';
  for (const lib of LIBS) {
    if (!existsSync(join(host, lib))) fail(`${join(host, lib)} is missing: apt-get install libc6:${a.multiarch}`);
    copyFileSync(join(host, lib), join(dir, 'lib', a.triplet, lib));
  }
  const loader = `/${a.loader}`;
  if (!existsSync(loader)) fail(`${loader} is missing: apt-get install libc6:${a.multiarch}`);
  mkdirSync(join(dir, a.loader, '..'), { recursive: true });
  copyFileSync(loader, join(dir, a.loader));
  copyFileSync('/usr/share/doc/libc6/copyright', join(dir, 'usr/share/doc/libc6/copyright'));
  const bb = busybox(arch);
  copyFileSync(join(bb, 'bin/busybox'), join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  copyFileSync(join(bb, 'copyright'), join(dir, 'usr/share/doc/busybox-static/copyright'));
  for (const f of LEGAL_FILES) copyFileSync(join(outDir, f), join(dir, 'usr/share/doc/docker-credential-ecr', f));
  // A home for the token cache when the image runs as a helper (docker run ... get): no /etc/passwd needed.
  mkdirSync(join(dir, 'root'), { recursive: true, mode: 0o700 });
}

/** Builds the index into outDir/imageName(version); returns the file name. */
export function buildImage({ version, outDir, workDir, log = () => {} }) {
  const storage = join(workDir, 'buildah');
  const b = (args) =>
    run('buildah', [
      '--root',
      join(storage, 'root'),
      '--runroot',
      join(storage, 'run'),
      '--storage-driver',
      'vfs',
      ...args,
    ]);
  const list = `localhost/docker-credential-ecr:${version}`;
  try {
    b(['manifest', 'create', list]);
    for (const arch of Object.keys(ARCH)) {
      const rootfs = join(workDir, `image-${arch}`);
      stageRootfs(version, arch, outDir, rootfs);
      const ctr = b(['from', '--arch', arch, '--os', 'linux', 'scratch']);
      b(['copy', ctr, `${rootfs}/`, '/']);
      b([
        'config',
        '--arch',
        arch,
        '--os',
        'linux',
        '--entrypoint',
        '["/usr/local/bin/docker-credential-ecr"]',
        '--cmd',
        'version',
        '--env',
        'HOME=/root',
        '--label',
        `org.opencontainers.image.version=${version}`,
        '--label',
        'org.opencontainers.image.title=docker-credential-ecr',
        '--label',
        'org.opencontainers.image.licenses=Apache-2.0',
        ctr,
      ]);
      b(['commit', '--format', 'oci', '--timestamp', '0', ctr, `${list}-${arch}`]);
      b(['manifest', 'add', '--arch', arch, '--os', 'linux', list, `${list}-${arch}`]);
      rmSync(rootfs, { recursive: true, force: true });
    }
    b([
      'manifest',
      'push',
      '--all',
      '--format',
      'oci',
      list,
      `oci-archive:${join(outDir, imageName(version))}:${version}`,
    ]);
    log(`${imageName(version)}: linux/amd64 and linux/arm64`);
    return imageName(version);
  } finally {
    spawnSync(
      'buildah',
      ['--root', join(storage, 'root'), '--runroot', join(storage, 'run'), '--storage-driver', 'vfs', 'rm', '--all'],
      { encoding: 'utf8' },
    );
    rmSync(storage, { recursive: true, force: true });
  }
}
