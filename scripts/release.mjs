// Writes dist/release/: everything a release publishes, built from this checkout with nothing downloaded but
// the pinned Bun runtimes of the other platforms (npm tarballs, verified, cached).
//
//   docker-credential-ecr-v<version>.<os>-<arch>   one executable per platform in scripts/lib/targets.mjs:
//       linux-amd64, linux-arm64, linux-amd64-musl, linux-arm64-musl, darwin-amd64, darwin-arm64, and
//       windows-amd64.exe, windows-arm64.exe. Each is
//       compiled as the build compiles (scripts/compile.mjs) but with --target=bun-<os>-<arch>[-musl] and, as
//       --compile-executable-path, the runtime from the @oven/bun-<platform> package of exactly the dev
//       dependency `bun`'s version, neutralised like the build's. Every executable's headers are checked
//       (scripts/lib/binary-format.mjs: ELF machine and interpreter; Mach-O cputype and code-signature page
//       hashes), and the one for this machine, if any, must answer `version` and a `get` miss and hit. A darwin
//       executable whose signature does not verify is signed again ad hoc (scripts/lib/macho-sign.mjs): Bun
//       1.4.x signs its darwin-arm64 output but leaves darwin-x64 with the runtime's stale signature.
//   docker-credential-ecr-<version>.tgz             the npm package (scripts/lib/npm-package.mjs)
//   docker-credential-ecr-<version>.cdx.json        CycloneDX SBOM of what ships (scripts/lib/sbom.mjs)
//   docker-credential-ecr.1                         the man page (docs/), as the npm package's man/ has it
//   LICENSE, NOTICE, THIRD-PARTY-NOTICES.txt        the licence, the notice and the third-party notices
//                                                   (scripts/lib/notices.mjs); the npm package carries them
//                                                   too, and every executable embeds them (bun --compile assets)
//   docker-credential-ecr-v<version>.<os>-<arch>.tar.gz / .zip   one archive per platform (scripts/lib/archives.mjs)
//   docker-credential-ecr_<version>_<arch>.deb      Debian packages, amd64 and arm64 (scripts/lib/deb.mjs)
//   docker-credential-ecr-<version>-1.<arch>.rpm    RPMs, x86_64 and aarch64 (scripts/lib/rpm.mjs)
//   docker-credential-ecr-<version>.oci.tar         the multi-arch OCI image (scripts/lib/image.mjs)
//   checksums.txt                                   `sha256sum -b` lines for all of the above
//   checksums.txt.minisig                           its minisign signature (scripts/lib/sign.mjs; a throwaway
//                                                   key unless DCE_MINISIGN_SECRET_KEY is set)
// The apt repository (scripts/lib/apt-repo.mjs) and the package-manager manifests (scripts/lib/manifests.mjs)
// are made from a release by the release workflow; docs/install.md describes every channel.
//
// The runtime tarballs are fetched with `npm pack` into node_modules/.cache/docker-credential-ecr-runtimes and
// checked against package-lock.json's integrity (and the registry's, when downloaded) every time they are used.
// Everything is written to dist/.release-tmp-<pid> first; dist/release is replaced only when all of it is done,
// so a failed release leaves the previous one (or none), never a partial one.
//
// Usage: npm run release    (every failure exits non-zero with a message on stderr)
// Environment:
//   DCE_RUNTIME_CACHE=/dir   cache the runtime tarballs there instead
//   DCE_RELEASE_JOBS=n       executables compiled at a time (default: the number of CPUs less one, 1 to 3)
//   SOURCE_DATE_EPOCH=n      the date of every packaged file (default: the last commit's; without one, it stops)
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { BuildError, bunExecutable, fail, root, removeLeftovers } from './compile.mjs';
import { recordBytecodeOrder } from './lib/bytecode-order.mjs';
import { SETUP_COMMAND, install, missing } from './setup.mjs';
import { ensureTarballs } from './lib/npm-registry.mjs';
import { buildNpmPackage } from './lib/npm-package.mjs';
import { writeSbom } from './lib/sbom.mjs';
import { NOTICES, thirdPartyNotices } from './lib/notices.mjs';
import { smokeTest } from './lib/stub-ecr.mjs';
import { buildArchives, sourceDateEpoch } from './lib/archives.mjs';
import { buildPackages } from './lib/packages.mjs';
import { signChecksums } from './lib/sign.mjs';
import { compileAll } from './lib/compile-pool.mjs';
import { measure, printTable } from './lib/release-measure.mjs';
import {
  CHECKSUMS,
  SIGNATURE,
  LEGAL_FILES,
  MAN_PAGE,
  RELEASE_DIR,
  TARGETS,
  executableName,
  hostTarget,
  npmTarballName,
  rootPackage,
  sbomName,
  releaseFiles,
} from './lib/targets.mjs';

const started = performance.now();
const dist = join(root, 'dist');
const tempDir = join(dist, `.release-tmp-${process.pid}`);
const outDir = join(tempDir, 'release');
const cacheDir = process.env.DCE_RUNTIME_CACHE
  ? resolve(process.env.DCE_RUNTIME_CACHE)
  : join(root, 'node_modules', '.cache', 'docker-credential-ecr-runtimes');
// One CPU is left for measuring (gzip -9 of each file as it is written): on 2 CPUs, 1 job took 20 s, 2 took 26 s.
const jobs = Math.max(1, Number(process.env.DCE_RELEASE_JOBS) || Math.min(availableParallelism() - 1, 3));
const rel = (p) => relative(process.cwd(), p) || '.';
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (line) => console.log(`[${seconds(performance.now() - started).padStart(6)}] ${line}`);

async function main() {
  // The packaging tools (dpkg-deb, rpmbuild, minisign, zip, ...) are in the set-up's list with the tests' tools: what
  // is missing is installed as npm test does it (root with apt-get), or the release stops naming the one command.
  const need = missing();
  if (need.packages.length > 0) {
    if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) install(need);
    else
      fail(`npm run release needs what this machine lacks: ${need.what.join(', ')}; install it with: ${SETUP_COMMAND}`);
  }
  const pkg = rootPackage();
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(pkg.version ?? ''))
    fail(`package.json version ${JSON.stringify(pkg.version)} is not a release version`);
  sourceDateEpoch(); // the packaged files' date: when nothing gives it, stop now rather than after the compiling
  mkdirSync(dist, { recursive: true });
  removeLeftovers(dist, '.release-tmp-');
  mkdirSync(outDir, { recursive: true });
  try {
    const bun = bunExecutable();
    log(`docker-credential-ecr ${pkg.version}, Bun ${bun.version}, ${jobs} compile job(s)`);

    // The licence, the notice and the third-party notices: release files, and inside the npm package.
    const notices = thirdPartyNotices({ bunVersion: bun.version });
    writeFileSync(join(outDir, NOTICES), notices);
    for (const name of ['LICENSE', 'NOTICE']) copyFileSync(join(root, name), join(outDir, name));

    const runtimes = await ensureTarballs(
      TARGETS.map((t) => ({ name: t.runtimePackage, version: bun.version })),
      cacheDir,
      { log },
    );
    const fetched = runtimes.filter((r) => r.fetched).length;
    log(`runtimes: ${runtimes.length} verified in ${rel(cacheDir)} (${fetched ? `${fetched} fetched` : 'all cached'})`);

    const measuring = new Map();
    const startMeasure = (path) => {
      const measured = measure(path);
      measured.catch(() => undefined); // awaited below; a failure elsewhere may leave it unawaited
      measuring.set(path, measured);
    };
    copyFileSync(join(root, 'docs', MAN_PAGE), join(outDir, MAN_PAGE));
    startMeasure(join(outDir, MAN_PAGE));
    for (const name of LEGAL_FILES) startMeasure(join(outDir, name));
    // Every target's bytecode laid out as this machine's build ran it (the same sources give the same functions).
    const bytecodeOrder = await recordBytecodeOrder({
      bun,
      target: `bun-${process.platform}-${process.arch}`,
      workDir: join(tempDir, 'bytecode-order'),
    });
    log(`bytecode order: recorded from ${bytecodeOrder.length} runs (a hit, version, a miss)`);
    const compileJobs = TARGETS.map((target, i) => ({
      bun,
      target,
      bytecodeOrder,
      tarball: runtimes[i].path,
      workDir: tempDir,
      outfile: join(outDir, executableName(pkg.version, target)),
      assets: LEGAL_FILES.map((name) => join(outDir, name)),
    }));
    await Promise.all([
      compileAll(compileJobs, jobs, (job, result) => {
        startMeasure(job.outfile);
        const what =
          result.info.format === 'elf'
            ? `ELF machine ${result.info.machine}, ${result.info.interpreter}`
            : result.info.format === 'pe'
              ? `PE32+ machine 0x${result.info.machine.toString(16)}, console subsystem`
              : `Mach-O cputype 0x${result.info.cputype.toString(16)}, ${result.info.codeSignature.nCodeSlots} code pages verified${result.resigned ? ` (signed again ad hoc: Bun's signature was invalid: ${result.resigned})` : ''}`;
        log(
          `${executableName(pkg.version, job.target)}: ${what}, ${job.target.bytecode ? '--bytecode' : 'no --bytecode'} (${seconds(result.ms)})`,
        );
      }),
      buildNpmPackage({
        bun,
        pkg,
        stageDir: join(tempDir, 'npm-stage'),
        outDir,
        legalDir: outDir,
        legalFiles: LEGAL_FILES,
      }).then((r) => {
        startMeasure(r.path);
        log(`${npmTarballName(pkg.version)}: ${r.files.length} files; a cache hit loads ${r.eager.join(', ')}`);
        return r;
      }),
      writeSbom({
        out: join(outDir, sbomName(pkg.version)),
        pkg,
        bun,
        runtimes: runtimes.map((r, i) => ({ ...r, embeddedIn: executableName(pkg.version, TARGETS[i]) })),
      }).then((n) => {
        startMeasure(join(outDir, sbomName(pkg.version)));
        log(`${sbomName(pkg.version)}: ${n} components`);
        return n;
      }),
    ]);

    const host = hostTarget();
    if (host)
      log(
        `${executableName(pkg.version, host)} smoke test: ${(await smokeTest([join(outDir, executableName(pkg.version, host))])).summary}`,
      );
    else log(`no release executable runs natively on ${process.platform}-${process.arch}: no smoke test`);

    for (const name of await buildArchives({ version: pkg.version, outDir, workDir: tempDir, log }))
      startMeasure(join(outDir, name));
    for (const name of await buildPackages({ version: pkg.version, outDir, workDir: tempDir, log }))
      startMeasure(join(outDir, name));

    const names = releaseFiles(pkg.version).filter((name) => name !== CHECKSUMS && name !== SIGNATURE);
    const measured = new Map();
    for (const name of names) measured.set(name, await measuring.get(join(outDir, name)));
    writeFileSync(
      join(outDir, CHECKSUMS),
      [...names]
        .sort()
        .map((n) => `${measured.get(n).sha256} *${n}\n`)
        .join(''),
    );
    measured.set(CHECKSUMS, await measure(join(outDir, CHECKSUMS)));
    const signed = signChecksums(outDir, pkg.version);
    log(
      signed.throwaway
        ? `${SIGNATURE}: signed with a THROWAWAY key (no DCE_MINISIGN_SECRET_KEY); its public key is ${rel(signed.publicKey)}`
        : `${SIGNATURE}: signed with DCE_MINISIGN_SECRET_KEY`,
    );
    measured.set(SIGNATURE, await measure(join(outDir, SIGNATURE)));

    rmSync(RELEASE_DIR, { recursive: true, force: true });
    renameSync(outDir, RELEASE_DIR);
    printTable([...names, CHECKSUMS, SIGNATURE].map((name) => ({ name, ...measured.get(name) })));
    console.log(`\nwritten to ${rel(RELEASE_DIR)} in ${seconds(performance.now() - started)}`);
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`release failed: ${e instanceof BuildError ? e.message : (e?.stack ?? e)}`);
  process.exit(1);
});
