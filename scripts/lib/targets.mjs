// The release's platforms and the names of its files, shared by scripts/release.mjs and test/release/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../compile.mjs';

/**
 * One executable per entry. `name` is the file-name suffix (Go/Docker spelling: amd64, arm64); `bunTarget` is
 * Bun's --target; `runtimePackage` is the npm package that carries that platform's Bun runtime, embedded in
 * the executable via --compile-executable-path (pinned to the same version as the dev dependency `bun`).
 */
export const TARGETS = [
  { name: 'linux-amd64', os: 'linux', arch: 'amd64', bunTarget: 'bun-linux-x64', runtimePackage: '@oven/bun-linux-x64' },
  { name: 'linux-arm64', os: 'linux', arch: 'arm64', bunTarget: 'bun-linux-aarch64', runtimePackage: '@oven/bun-linux-aarch64' },
  { name: 'linux-amd64-musl', os: 'linux', arch: 'amd64', bunTarget: 'bun-linux-x64-musl', runtimePackage: '@oven/bun-linux-x64-musl' },
  { name: 'linux-arm64-musl', os: 'linux', arch: 'arm64', bunTarget: 'bun-linux-aarch64-musl', runtimePackage: '@oven/bun-linux-aarch64-musl' },
  { name: 'darwin-amd64', os: 'darwin', arch: 'amd64', bunTarget: 'bun-darwin-x64', runtimePackage: '@oven/bun-darwin-x64' },
  { name: 'darwin-arm64', os: 'darwin', arch: 'arm64', bunTarget: 'bun-darwin-aarch64', runtimePackage: '@oven/bun-darwin-aarch64' },
];

export const RELEASE_DIR = join(root, 'dist', 'release');

/** The root package.json (name, version, description, license, engines). */
export function rootPackage() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
}

export const executableName = (version, target) => `docker-credential-ecr-v${version}.${target.name}`;
export const npmTarballName = (version) => `docker-credential-ecr-${version}.tgz`;
export const sbomName = (version) => `docker-credential-ecr-${version}.cdx.json`;
export const CHECKSUMS = 'checksums.txt';

/** Every file the release writes, in the order the summary lists them. */
/** The man page (docs/docker-credential-ecr.1), shipped as is in the release and in the npm package's man/. */
export const MAN_PAGE = 'docker-credential-ecr.1';

export function releaseFiles(version) {
  return [...TARGETS.map((t) => executableName(version, t)), npmTarballName(version), sbomName(version), MAN_PAGE, CHECKSUMS];
}

/** The release target this machine can run natively, if any (process.platform/arch; glibc assumed on Linux). */
export function hostTarget() {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
  return TARGETS.find((t) => t.os === process.platform && t.arch === arch && !t.name.endsWith('-musl'));
}
