// An apt repository from the release's .deb files: pool/main/d/docker-credential-ecr/*.deb, and
// dists/stable/main/binary-{amd64,arm64}/Packages(.gz), indexed by apt-ftparchive (apt-utils, Debian's own
// generator), with a Release whose InRelease (clear-signed) and Release.gpg (detached) are made with gpg by
// the key given.
//
// buildPagesSite writes what GitHub Pages serves at https://OWNER.github.io/REPO/: the repository under apt/, the
// public key (docker-credential-ecr.asc for rpm's gpgkey=, .gpg for a keyring file) and docker-credential-ecr.sources,
// a deb822 source whose Signed-By holds the key itself (apt >= 2.3.10: Debian 12 has 2.6, Ubuntu 22.04 2.4), so
// adding the repository is one download into /etc/apt/sources.list.d/ (docs/install.md): no keyring directory to
// make, and no key file that could get out of step with the source naming it.
//
//   node scripts/lib/apt-repo.mjs <release-dir> <site-dir> <gpg-key-id>   (GNUPGHOME picks the keyring)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPOSITORY } from './project.mjs';
import { fileURLToPath } from 'node:url';

export const SUITE = 'stable';
export const ARCHES = ['amd64', 'arm64'];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000, ...opts });
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? `${r.stdout}${r.stderr}`.trim()}`);
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
    const packages = run(
      'apt-ftparchive',
      ['-o', `APT::FTPArchive::Architecture=${arch}`, '--arch', arch, 'packages', 'pool'],
      { cwd: out },
    );
    writeFileSync(join(dir, 'Packages'), packages);
    writeFileSync(join(dir, 'Packages.gz'), gzipSync(packages, { level: 9 }));
  }
  const release = run(
    'apt-ftparchive',
    [
      '-o',
      'APT::FTPArchive::Release::Origin=docker-credential-ecr',
      '-o',
      'APT::FTPArchive::Release::Label=docker-credential-ecr',
      '-o',
      `APT::FTPArchive::Release::Suite=${SUITE}`,
      '-o',
      `APT::FTPArchive::Release::Codename=${SUITE}`,
      '-o',
      `APT::FTPArchive::Release::Architectures=${ARCHES.join(' ')}`,
      '-o',
      'APT::FTPArchive::Release::Components=main',
      'release',
      join('dists', SUITE),
    ],
    { cwd: out },
  );
  const dists = join(out, 'dists', SUITE);
  writeFileSync(join(dists, 'Release'), release);
  const env = { ...process.env, ...(gnupgHome ? { GNUPGHOME: gnupgHome } : {}) };
  run(
    'gpg',
    ['--batch', '--yes', '--local-user', keyId, '--clearsign', '-o', join(dists, 'InRelease'), join(dists, 'Release')],
    { env },
  );
  run(
    'gpg',
    [
      '--batch',
      '--yes',
      '--local-user',
      keyId,
      '--armor',
      '--detach-sign',
      '-o',
      join(dists, 'Release.gpg'),
      join(dists, 'Release'),
    ],
    { env },
  );
  return out;
}

/** Where Pages serves the site of repository (owner/name): GitHub's project-site address. */
export const pagesUrl = (repository = REPOSITORY) => {
  const [owner, name] = repository.split('/');
  return `https://${owner.toLowerCase()}.github.io/${name}`;
};

/**
 * The deb822 source for the repository at url, with armoredKey (gpg --armor --export) embedded in Signed-By: each
 * line of the key indented by one space, and its empty line written " ." as deb822 requires of a multi-line field.
 */
export function aptSource(url, armoredKey) {
  const key = armoredKey
    .trim()
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l.trimEnd()}`));
  if (!key[0]?.includes('BEGIN PGP PUBLIC KEY BLOCK') || !key.at(-1)?.includes('END PGP PUBLIC KEY BLOCK'))
    throw new Error('the key is not an ASCII-armoured public key block');
  return ['Types: deb', `URIs: ${url}/apt`, `Suites: ${SUITE}`, 'Components: main', 'Signed-By:', ...key, ''].join(
    '\n',
  );
}

export const SOURCES_FILE = 'docker-credential-ecr.sources';

/** The Pages site into out (replaced): apt/, the public key as .asc and .gpg, and the .sources file. Returns out. */
export function buildPagesSite({ releaseDir, out, keyId, gnupgHome = process.env.GNUPGHOME, repository = REPOSITORY }) {
  rmSync(out, { recursive: true, force: true });
  buildAptRepo({ releaseDir, out: join(out, 'apt'), keyId, gnupgHome });
  const env = { ...process.env, ...(gnupgHome ? { GNUPGHOME: gnupgHome } : {}) };
  const armored = run('gpg', ['--batch', '--armor', '--export', keyId], { env });
  writeFileSync(join(out, 'docker-credential-ecr.asc'), armored);
  run('gpg', ['--batch', '--yes', '--export', '-o', join(out, 'docker-credential-ecr.gpg'), keyId], { env });
  writeFileSync(join(out, SOURCES_FILE), aptSource(pagesUrl(repository), armored));
  return out;
}

// Run as a command (not imported): compared as paths, since import.meta.url percent-encodes a space or a non-ASCII letter.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const [releaseDir, out, keyId] = process.argv.slice(2);
  if (!releaseDir || !out || !keyId) {
    console.error('usage: node scripts/lib/apt-repo.mjs <release-dir> <site-dir> <gpg-key-id>');
    process.exit(2);
  }
  try {
    console.log(buildPagesSite({ releaseDir, out, keyId }));
  } catch (e) {
    console.error(`apt-repo: ${e.message}`);
    process.exit(1);
  }
}
