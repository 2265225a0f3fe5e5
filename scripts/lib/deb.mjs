// Debian packages for linux-amd64 and linux-arm64, built with dpkg-deb from the release's executables:
//   /usr/bin/docker-credential-ecr                          the executable (unstripped: strip breaks Bun's)
//   /usr/share/man/man1/docker-credential-ecr.1.gz          the man page
//   /usr/share/doc/docker-credential-ecr/                   copyright (DEP-5), NOTICE, THIRD-PARTY-NOTICES.txt.gz,
//                                                           changelog.gz (a native package's)
//   /usr/share/lintian/overrides/docker-credential-ecr      each override with its reason (packaging/deb/)
// Depends comes from dpkg-shlibdeps on the executable (Debian's tool for exactly this: libc6's symbols file
// gives the lowest version that has every symbol it uses). xz payload (dpkg-deb's default; Debian 12's dpkg
// cannot read zstd). Reproducible: files dated SOURCE_DATE_EPOCH, owned by root (--root-owner-group).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  readdirSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants as zlib } from 'node:zlib';
import { fail, root } from '../compile.mjs';
import { DESCRIPTION, HOMEPAGE, MAINTAINER, SUMMARY } from './project.mjs';
import { MAN_PAGE, TARGETS, debName, executableName } from './targets.mjs';
import { inPairs, sh, sourceDateEpoch } from './archives.mjs';

export const DEB_ARCHES = { 'linux-amd64': 'amd64', 'linux-arm64': 'arm64' };
const gz = (bytes) => gzipSync(bytes, { level: zlib.Z_BEST_COMPRESSION });

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000, ...opts });
  if (r.error || r.status !== 0)
    fail(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? `${r.stdout}${r.stderr}`.trim()}`);
  return r.stdout;
}

/** dpkg-shlibdeps' Depends for an executable of architecture arch (from a throwaway debian/control). */
export function shlibDepends(exe, arch, workDir) {
  const dir = join(workDir, `shlibdeps-${arch}`);
  mkdirSync(join(dir, 'debian'), { recursive: true });
  writeFileSync(
    join(dir, 'debian', 'control'),
    `Source: docker-credential-ecr\n\nPackage: docker-credential-ecr\nArchitecture: ${arch}\n`,
  );
  const out = run('dpkg-shlibdeps', ['-O', '--ignore-missing-info', exe], {
    cwd: dir,
    env: { ...process.env, DEB_HOST_ARCH: arch },
  });
  rmSync(dir, { recursive: true, force: true });
  const m = /^shlibs:Depends=(.+)$/m.exec(out);
  if (!m) fail(`dpkg-shlibdeps gave no Depends for ${exe}: ${out}`);
  return m[1].trim();
}

function changelog(version, epoch) {
  const date = new Date(epoch * 1000).toUTCString().replace('GMT', '+0000');
  return `docker-credential-ecr (${version}) unstable; urgency=medium\n\n  * Release ${version}; the release notes:\n    ${HOMEPAGE}/releases/tag/v${version}\n\n -- ${MAINTAINER}  ${date}\n`;
}

export async function buildDebs({ version, outDir, workDir, log = () => {} }) {
  const epoch = sourceDateEpoch();
  const targets = TARGETS.filter((t) => DEB_ARCHES[t.name]);
  return inPairs(targets, async (target) => {
    const arch = DEB_ARCHES[target.name];
    const stage = join(workDir, `deb-${arch}`);
    const doc = join(stage, 'usr/share/doc/docker-credential-ecr');
    for (const d of ['DEBIAN', 'usr/bin', 'usr/share/man/man1', 'usr/share/lintian/overrides'])
      mkdirSync(join(stage, d), { recursive: true });
    mkdirSync(doc, { recursive: true });
    try {
      const exe = join(stage, 'usr/bin/docker-credential-ecr');
      copyFileSync(join(outDir, executableName(version, target)), exe);
      chmodSync(exe, 0o755);
      writeFileSync(
        join(stage, 'usr/share/man/man1', `${MAN_PAGE}.gz`),
        gz(readFileSync(join(root, 'docs', MAN_PAGE))),
      );
      writeFileSync(
        join(doc, 'copyright'),
        readFileSync(join(root, 'packaging/deb/copyright'), 'utf8').replace('@HOMEPAGE@', HOMEPAGE),
      );
      copyFileSync(join(outDir, 'NOTICE'), join(doc, 'NOTICE'));
      writeFileSync(join(doc, 'THIRD-PARTY-NOTICES.txt.gz'), gz(readFileSync(join(outDir, 'THIRD-PARTY-NOTICES.txt'))));
      writeFileSync(join(doc, 'changelog.gz'), gz(Buffer.from(changelog(version, epoch))));
      copyFileSync(
        join(root, 'packaging/deb/lintian-overrides'),
        join(stage, 'usr/share/lintian/overrides/docker-credential-ecr'),
      );
      const depends = shlibDepends(exe, arch, workDir);
      const installedKiB = Math.ceil(
        Number(run('du', ['-sk', '--apparent-size', '--exclude=DEBIAN', stage]).split(/\s/)[0]),
      );
      const control = [
        'Package: docker-credential-ecr',
        `Version: ${version}`,
        `Architecture: ${arch}`,
        `Maintainer: ${MAINTAINER}`,
        `Installed-Size: ${installedKiB}`,
        `Depends: ${depends}`,
        'Section: admin',
        'Priority: optional',
        `Homepage: ${HOMEPAGE}`,
        `Description: ${SUMMARY}`,
        ...DESCRIPTION.map((l) => ` ${l}`),
      ];
      writeFileSync(join(stage, 'DEBIAN/control'), `${control.join('\n')}\n`);
      for (const f of readdirSync(stage, { recursive: true })) {
        const p = join(stage, f);
        if (statSync(p).isFile() && p !== exe) chmodSync(p, 0o644);
        else if (statSync(p).isDirectory()) chmodSync(p, 0o755);
      }
      await sh(
        `find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum > DEBIAN/md5sums; chmod 644 DEBIAN/md5sums; find . -exec touch -h -d @${epoch} {} +`,
        { cwd: stage },
      );
      const out = join(outDir, debName(version, arch));
      await sh(`dpkg-deb --root-owner-group -Zxz -z6 --build '${stage}' '${out}' >/dev/null`, {
        env: { SOURCE_DATE_EPOCH: String(epoch) },
      });
      log(`${debName(version, arch)}: Depends: ${depends}`);
      return debName(version, arch);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  });
}
