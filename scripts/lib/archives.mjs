// The release archives: one per platform, as goreleaser-style projects ship them (docker-credential-gcr,
// docker/docker-credential-helpers' users expect a .tar.gz, Windows users a .zip). Each holds one directory,
// docker-credential-ecr-v<version>.<os>-<arch>/, with the executable under its installed name
// (docker-credential-ecr, .exe on Windows), LICENSE, NOTICE, THIRD-PARTY-NOTICES.txt, README.md and the man page.
// Reproducible: sorted members, fixed owner and mtime (SOURCE_DATE_EPOCH or the last commit's time), gzip -n.
// gzip -9 rather than xz or zstd: every tar and every CI image reads it, and xz -6 (24% smaller) takes 80 s per
// executable on one core against gzip's 14 s (measured in docs/install.md "Sizes").
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError, fail, root } from '../compile.mjs';
import { LEGAL_FILES, MAN_PAGE, TARGETS, archiveName, executableName } from './targets.mjs';

export { archiveName };

export const archiveDir = (version, target) => `docker-credential-ecr-v${version}.${target.name}`;
export const installedName = (target) => `docker-credential-ecr${target.os === 'windows' ? '.exe' : ''}`;
/** What each archive holds besides the executable (README.md comes from the checkout, the rest from the release). */
export const ARCHIVE_DOCS = [...LEGAL_FILES, 'README.md', MAN_PAGE];

/**
 * The mtime of every packaged file: SOURCE_DATE_EPOCH if set, else the last commit's time. Nothing else: 0 (1970)
 * is refused by lintian and rpmlint, and "now" would give a commit different bytes at each release. So a checkout
 * git cannot date (git missing, no history, not a repository, one git refuses to read) fails, saying what to do.
 */
export function sourceDateEpoch({ dir = root, env = process.env } = {}) {
  const given = env.SOURCE_DATE_EPOCH ?? '';
  if (/^\d+$/.test(given)) return Number(given);
  if (given !== '') fail(`SOURCE_DATE_EPOCH=${JSON.stringify(given)} is not a Unix time (whole seconds since 1970)`);
  const git = spawnSync('git', ['log', '-1', '--format=%ct'], { cwd: dir, env, encoding: 'utf8' });
  const time = git.stdout?.trim() ?? '';
  if (git.status === 0 && /^\d+$/.test(time)) return Number(time);
  const why = git.error
    ? `could not run (${git.error.code === 'ENOENT' ? 'git is not installed: apt-get install git' : git.error.message})`
    : git.status === 0
      ? 'found no commit'
      : `failed (exit ${git.status}): ${git.stderr.trim().split('\n')[0]}`;
  return fail(
    `cannot date the packaged files: SOURCE_DATE_EPOCH is not set and \`git log -1 --format=%ct\` in ${dir} ${why}. ` +
      'The release dates them by the last commit. Release from a git clone (with its history), or set ' +
      'SOURCE_DATE_EPOCH to the Unix time to date them by, e.g. SOURCE_DATE_EPOCH=$(date +%s) npm run release',
  );
}

export function sh(script, { cwd, env } = {}) {
  return new Promise((done, reject) => {
    const child = spawn('sh', ['-ec', script], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', (e) => reject(new BuildError(`sh: ${e.message}`)));
    child.on('close', (status) =>
      status === 0 ? done(output) : reject(new BuildError(`\`${script}\` failed (exit ${status}):\n${output.trim()}`)),
    );
  });
}

/** Runs async jobs two at a time (2 CPUs here; gzip is single-threaded). */
export async function inPairs(items, fn, width = 2) {
  const queue = [...items];
  const results = [];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) results.push(await fn(item));
    }),
  );
  return results;
}

/** Writes every archive into outDir (which holds the executables and the legal files); returns their names. */
export async function buildArchives({ version, outDir, workDir, log = () => {} }) {
  const epoch = sourceDateEpoch();
  return inPairs(TARGETS, async (target) => {
    const stage = join(workDir, `archive-${target.name}`);
    const dir = archiveDir(version, target);
    mkdirSync(join(stage, dir), { recursive: true });
    try {
      copyFileSync(join(outDir, executableName(version, target)), join(stage, dir, installedName(target)));
      chmodSync(join(stage, dir, installedName(target)), 0o755);
      for (const name of ARCHIVE_DOCS)
        copyFileSync(name === 'README.md' ? join(root, name) : join(outDir, name), join(stage, dir, name));
      const out = join(outDir, archiveName(version, target));
      if (target.os === 'windows') {
        await sh(
          `find ${dir} -exec touch -h -d @${epoch} {} +; find ${dir} | LC_ALL=C sort | zip -q -X -9 -@ '${out}'`,
          { cwd: stage },
        );
      } else {
        await sh(
          `tar --sort=name --mtime=@${epoch} --owner=0 --group=0 --numeric-owner --format=gnu -cf - ${dir} | gzip -9n > '${out}'`,
          { cwd: stage },
        );
      }
      log(`${archiveName(version, target)}`);
      return archiveName(version, target);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  });
}
