// RPMs for linux-amd64 (x86_64) and linux-arm64 (aarch64), built with rpmbuild from packaging/rpm's spec and
// the release's executables: /usr/bin/docker-credential-ecr, the man page, the licence files under
// /usr/share/licenses/. Requires are rpm's own ELF dependency generator's (libc.so.6(GLIBC_...)), which Amazon
// Linux 2023, Fedora and RHEL resolve. xz payload: Amazon Linux 2's rpm 4.11 cannot read zstd.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError, root } from '../compile.mjs';
import { HOMEPAGE, MAINTAINER } from './project.mjs';
import { LEGAL_FILES, MAN_PAGE, TARGETS, executableName, rpmName } from './targets.mjs';
import { inPairs, sourceDateEpoch } from './archives.mjs';

export const RPM_ARCHES = { 'linux-amd64': 'x86_64', 'linux-arm64': 'aarch64' };

function rpmbuild(args, env) {
  return new Promise((done, reject) => {
    const child = spawn('rpmbuild', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', (e) => reject(new BuildError(`rpmbuild: ${e.message}`)));
    child.on('close', (s) =>
      s === 0
        ? done(output)
        : reject(
            new BuildError(
              `rpmbuild ${args.join(' ')} failed (exit ${s}):\n${output.trim().split('\n').slice(-20).join('\n')}`,
            ),
          ),
    );
  });
}

export async function buildRpms({ version, outDir, workDir, log = () => {} }) {
  const epoch = sourceDateEpoch();
  const date = new Date(epoch * 1000).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+).*$/, '$1 $3 $2 $4');
  const spec = readFileSync(join(root, 'packaging/rpm/docker-credential-ecr.spec'), 'utf8')
    .replaceAll('@VERSION@', version.replace(/-/g, '~'))
    .replaceAll('@HOMEPAGE@', HOMEPAGE)
    .replaceAll('@MAINTAINER@', MAINTAINER)
    .replaceAll('@DATE@', date);
  const targets = TARGETS.filter((t) => RPM_ARCHES[t.name]);
  return inPairs(targets, async (target) => {
    const arch = RPM_ARCHES[target.name];
    const top = join(workDir, `rpm-${arch}`);
    for (const d of ['SOURCES', 'SPECS', 'RPMS', 'BUILD', 'BUILDROOT']) mkdirSync(join(top, d), { recursive: true });
    try {
      copyFileSync(join(outDir, executableName(version, target)), join(top, 'SOURCES', 'docker-credential-ecr'));
      chmodSync(join(top, 'SOURCES', 'docker-credential-ecr'), 0o755);
      for (const f of [MAN_PAGE, ...LEGAL_FILES]) copyFileSync(join(outDir, f), join(top, 'SOURCES', f));
      writeFileSync(join(top, 'SPECS', 'docker-credential-ecr.spec'), spec);
      await rpmbuild(
        [
          '-bb',
          '--target',
          arch,
          '--define',
          `_topdir ${top}`,
          '--define',
          'use_source_date_epoch_as_buildtime 1',
          '--define',
          'clamp_mtime_to_source_date_epoch 1',
          join(top, 'SPECS', 'docker-credential-ecr.spec'),
        ],
        { SOURCE_DATE_EPOCH: String(epoch) },
      );
      copyFileSync(join(top, 'RPMS', arch, rpmName(version, arch)), join(outDir, rpmName(version, arch)));
      log(rpmName(version, arch));
      return rpmName(version, arch);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
}
