// Builds dist/docker-credential-ecr: ONE self-contained executable, compiled with Bun (scripts/compile.mjs) for
// this machine's platform. The runtime embedded in it is the pinned Bun's own, with the environment switches
// that would let a user's environment change what it does made unreadable (NEUTRALISED_ENV in compile.mjs).
//
// The executable is smoke-tested before it is renamed into place, so a failed build never leaves a broken
// executable under the final name (scripts/lib/stub-ecr.mjs, as the release does): `version`; a `get` that
// fetches a token from a stub ECR API on 127.0.0.1 and must load the AWS SDK chunk; a second `get` that must be a
// cache hit and load no SDK chunk. The bytecode is laid out in the order a profiling build ran it
// (scripts/lib/bytecode-order.mjs).
//
// Usage: npm run build    (every failure exits non-zero with a message on stderr)
// Environment:
//   DCE_DIST=/path/to/dir   write the executable there instead of dist/ (to keep several builds side by side)
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { BuildError, bunExecutable, compile, neutraliseRuntime, root, removeLeftovers } from './compile.mjs';
import { recordBytecodeOrder } from './lib/bytecode-order.mjs';
import { smokeTest } from './lib/stub-ecr.mjs';

const started = performance.now();
const dist = process.env.DCE_DIST ? resolve(process.env.DCE_DIST) : join(root, 'dist');
const EXE_NAME = process.platform === 'win32' ? 'docker-credential-ecr.exe' : 'docker-credential-ecr';
const finalPath = join(dist, EXE_NAME);
const tempDir = join(dist, `.build-tmp-${process.pid}`);
const tmp = (name) => join(tempDir, name);
const rel = (p) => relative(process.cwd(), p) || '.';
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main() {
  mkdirSync(dist, { recursive: true });
  removeLeftovers(dist, '.build-tmp-');
  mkdirSync(tempDir);
  try {
    const bun = bunExecutable();
    const target = `bun-${process.platform}-${process.arch}`;
    const patched = neutraliseRuntime(bun.path, tmp('runtime'));
    const exePath = tmp(EXE_NAME);
    const bytecodeOrder = await recordBytecodeOrder({ bun, target, workDir: tmp('order') });
    compile({ bun, target, runtime: tmp('runtime'), outfile: exePath, bytecodeOrder });
    const smoke = await smokeTest([exePath], 'the built executable');
    renameSync(exePath, finalPath);
    console.log(`executable  ${rel(finalPath)}  ${mib(statSync(finalPath).size)}`);
    console.log(
      `bun         ${bun.version} (${target}; ${patched} environment-variable names neutralised in the runtime)`,
    );
    console.log(`version     ${smoke.version}`);
    console.log(
      `bytecode    laid out by the recorded order of: ${bytecodeOrder.map((f) => f.slice(f.lastIndexOf('/') + 1)).join(', ') || 'none (no order was written)'}`,
    );
    console.log(
      `chunks      on a miss: ${smoke.missChunks.join(', ')}\n            on a hit:  ${smoke.hitChunks.join(', ')}`,
    );
    console.log(`built in    ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`build failed: ${e instanceof BuildError ? e.message : (e?.stack ?? e)}`);
  process.exit(1);
});
