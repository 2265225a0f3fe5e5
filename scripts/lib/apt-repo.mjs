// An apt repository from the release's .deb files: pool/main/d/docker-credential-ecr/*.deb, and
// dists/stable/main/binary-{amd64,arm64}/Packages(.gz), indexed by apt-ftparchive (apt-utils, Debian's own
// generator), with a Release whose InRelease (clear-signed) and Release.gpg (detached) are made with gpg by
// the key given. Users add it with a deb822 source and `Signed-By:` the public key (docs/install.md).
//
//   node scripts/lib/apt-repo.mjs <release-dir> <out-dir> <gpg-key-id>   (GNUPGHOME picks the keyring)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const SUITE = 'stable';
export const ARCHES = ['amd64', 'arm64'];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000, ...opts });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? `${r.stdout}${r.stderr}`.trim()}`);
  return r.stdout;
}

/** Writes the repository into out (replaced); returns its path. gnupgHome: the keyring holding keyId's secret key. */
export function buildAptRepo({ releaseDir, out, keyId, gnupgHome = process.env.GNUPGHOME }) {
  rmSync(out, { recursive: true, force: true });
  const pool = join(out, 'pool/main/d/docker-credential-ecr');
  mkdirSync(pool, { recursive: true });
  const debs = readdirSync(releaseDir).filter((n) => /^docker-credential-ecr_.*\.deb$/.test(n));
  if (debs.length === 0) throw new Error(`no .deb in ${releaseDir}`);
  for (const d of debs) copyFileSync(join(releaseDir, d), join(pool, d));
  for (const arch of ARCHES) {
    const dir = join(out, 'dists', SUITE, 'main', `binary-${arch}`);
    mkdirSync(dir, { recursive: true });
    const packages = run('apt-ftparchive', ['-o', `APT::FTPArchive::Architecture=${arch}`, '--arch', arch, 'packages', 'pool'], { cwd: out });
    writeFileSync(join(dir, 'Packages'), packages);
    writeFileSync(join(dir, 'Packages.gz'), gzipSync(packages, { level: 9 }));
  }
  const release = run('apt-ftparchive', [
    '-o', 'APT::FTPArchive::Release::Origin=docker-credential-ecr',
    '-o', 'APT::FTPArchive::Release::Label=docker-credential-ecr',
    '-o', `APT::FTPArchive::Release::Suite=${SUITE}`,
    '-o', `APT::FTPArchive::Release::Codename=${SUITE}`,
    '-o', `APT::FTPArchive::Release::Architectures=${ARCHES.join(' ')}`,
    '-o', 'APT::FTPArchive::Release::Components=main',
    'release', join('dists', SUITE),
  ], { cwd: out });
  const dists = join(out, 'dists', SUITE);
  writeFileSync(join(dists, 'Release'), release);
  const env = { ...process.env, ...(gnupgHome ? { GNUPGHOME: gnupgHome } : {}) };
  run('gpg', ['--batch', '--yes', '--local-user', keyId, '--clearsign', '-o', join(dists, 'InRelease'), join(dists, 'Release')], { env });
  run('gpg', ['--batch', '--yes', '--local-user', keyId, '--armor', '--detach-sign', '-o', join(dists, 'Release.gpg'), join(dists, 'Release')], { env });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [releaseDir, out, keyId] = process.argv.slice(2);
  if (!releaseDir || !out || !keyId) {
    console.error('usage: node scripts/lib/apt-repo.mjs <release-dir> <out-dir> <gpg-key-id>');
    process.exit(2);
  }
  try {
    console.log(buildAptRepo({ releaseDir, out, keyId }));
  } catch (e) {
    console.error(`apt-repo: ${e.message}`);
    process.exit(1);
  }
}
