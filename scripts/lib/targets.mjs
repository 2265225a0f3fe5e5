// The release's platforms and the names of its files, shared by scripts/release.mjs and test/release/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../compile.mjs';

/**
 * One executable per entry. `name` is the file-name suffix (Go/Docker spelling: amd64, arm64); `bunTarget` is
 * Bun's --target; `runtimePackage` is the npm package that carries that platform's Bun runtime, embedded in
 * the executable via --compile-executable-path (pinned to the same version as the dev dependency `bun`), and
 * `runtimeMember` the runtime's path inside that package's tarball.
 *
 * `bytecode`: whether the executable is compiled with --bytecode (JavaScriptCore bytecode cached in the file, so
 * start-up skips parsing). Bun has open reports of cross-compiled --bytecode executables that crash at launch
 * (oven-sh/bun 18416, 21760), so it is on only where an executable built that way has been seen to run
 * (test/release/executables.test.ts and windows.test.ts here; the release workflow on the runners we lack), and
 * off where nothing here can run the file. What each choice costs is measured in docs/platforms.md.
 */
export const TARGETS = [
  {
    name: 'linux-amd64',
    os: 'linux',
    arch: 'amd64',
    bunTarget: 'bun-linux-x64',
    runtimePackage: '@oven/bun-linux-x64',
    bytecode: true,
  },
  {
    name: 'linux-arm64',
    os: 'linux',
    arch: 'arm64',
    bunTarget: 'bun-linux-aarch64',
    runtimePackage: '@oven/bun-linux-aarch64',
    bytecode: true,
  },
  {
    name: 'linux-amd64-musl',
    os: 'linux',
    arch: 'amd64',
    bunTarget: 'bun-linux-x64-musl',
    runtimePackage: '@oven/bun-linux-x64-musl',
    bytecode: true,
  },
  {
    name: 'linux-arm64-musl',
    os: 'linux',
    arch: 'arm64',
    bunTarget: 'bun-linux-aarch64-musl',
    runtimePackage: '@oven/bun-linux-aarch64-musl',
    bytecode: true,
  },
  {
    name: 'darwin-amd64',
    os: 'darwin',
    arch: 'amd64',
    bunTarget: 'bun-darwin-x64',
    runtimePackage: '@oven/bun-darwin-x64',
    bytecode: false,
  },
  {
    name: 'darwin-arm64',
    os: 'darwin',
    arch: 'arm64',
    bunTarget: 'bun-darwin-aarch64',
    runtimePackage: '@oven/bun-darwin-aarch64',
    bytecode: false,
  },
  {
    name: 'windows-amd64',
    os: 'windows',
    arch: 'amd64',
    bunTarget: 'bun-windows-x64',
    runtimePackage: '@oven/bun-windows-x64',
    bytecode: true,
  },
  {
    name: 'windows-arm64',
    os: 'windows',
    arch: 'arm64',
    bunTarget: 'bun-windows-aarch64',
    runtimePackage: '@oven/bun-windows-aarch64',
    bytecode: false,
  },
].map((t) => ({ runtimeMember: t.os === 'windows' ? 'package/bin/bun.exe' : 'package/bin/bun', ...t }));

export const RELEASE_DIR = join(root, 'dist', 'release');

/** The root package.json (name, version, description, license, engines). */
export function rootPackage() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
}

/** docker/docker-credential-helpers' spelling: docker-credential-<name>-v<version>.<os>-<arch>[.exe]. */
export const executableName = (version, target) =>
  `docker-credential-ecr-v${version}.${target.name}${target.os === 'windows' ? '.exe' : ''}`;
export const npmTarballName = (version) => `docker-credential-ecr-${version}.tgz`;
export const sbomName = (version) => `docker-credential-ecr-${version}.cdx.json`;
export const CHECKSUMS = 'checksums.txt';
/** The detached minisign signature of checksums.txt (scripts/lib/sign.mjs); not listed in checksums.txt. */
export const SIGNATURE = 'checksums.txt.minisig';
/** One archive per platform (scripts/lib/archives.mjs): .tar.gz, .zip for Windows. */
export const archiveName = (version, target) =>
  `docker-credential-ecr-v${version}.${target.name}.${target.os === 'windows' ? 'zip' : 'tar.gz'}`;
/** Debian packages and RPMs (scripts/lib/deb.mjs, rpm.mjs): linux glibc targets only. */
export const PACKAGE_TARGETS = ['linux-amd64', 'linux-arm64'];
export const imageName = (version) => `docker-credential-ecr-${version}.oci.tar`;
export const debName = (version, arch) => `docker-credential-ecr_${version}_${arch}.deb`;
export const rpmName = (version, arch) => `docker-credential-ecr-${version.replace(/-/g, '~')}-1.${arch}.rpm`;

/** The licence, notice and third-party notices (scripts/lib/notices.mjs), beside the executables and in the npm package. */
export const LEGAL_FILES = ['LICENSE', 'NOTICE', 'THIRD-PARTY-NOTICES.txt'];

/** The man page (docs/docker-credential-ecr.1), shipped as is in the release and in the npm package's man/. */
export const MAN_PAGE = 'docker-credential-ecr.1';

/** Every file the release writes, in the order the summary lists them. */
export function releaseFiles(version) {
  return [
    ...TARGETS.map((t) => executableName(version, t)),
    ...TARGETS.map((t) => archiveName(version, t)),
    ...['amd64', 'arm64'].map((arch) => debName(version, arch)),
    ...['x86_64', 'aarch64'].map((arch) => rpmName(version, arch)),
    imageName(version),
    npmTarballName(version),
    sbomName(version),
    MAN_PAGE,
    ...LEGAL_FILES,
    CHECKSUMS,
    SIGNATURE,
  ];
}

/** The release target this machine can run natively, if any (process.platform/arch; glibc assumed on Linux). */
export function hostTarget() {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
  return TARGETS.find((t) => t.os === process.platform && t.arch === arch && !t.name.endsWith('-musl'));
}
