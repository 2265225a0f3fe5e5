// Builds one release executable: the target's Bun runtime out of its verified npm tarball, neutralised as the
// build does (NEUTRALISED_ENV in compile.mjs), then compile() with it as --compile-executable-path, then the
// result's headers checked (binary-format.mjs); a darwin executable whose code signature does not verify is
// signed again ad hoc (macho-sign.mjs: Bun 1.4.x leaves darwin-x64 output with a stale signature). compile() blocks, so scripts/release.mjs runs this in worker
// threads to build two targets at a time; it can also be called directly.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort } from 'node:worker_threads';
import { BuildError, compile, fail, neutraliseRuntime } from '../compile.mjs';
import { EXPECTED, FormatError, describe, verifyExecutable } from './binary-format.mjs';
import { adhocSign } from './macho-sign.mjs';

/**
 * job: { bun: { path, version }, target (from targets.mjs), tarball, workDir, outfile, assets: files to embed,
 * bytecodeOrder: order files (scripts/lib/bytecode-order.mjs) }
 */
export function buildExecutable({ bun, target, tarball, workDir, outfile, assets = [], bytecodeOrder = [] }) {
  const started = performance.now();
  const dir = join(workDir, `runtime-${target.name}`);
  mkdirSync(dir, { recursive: true });
  try {
    const member = target.runtimeMember;
    const tar = spawnSync('tar', ['-xzf', tarball, '-C', dir, member], { encoding: 'utf8', timeout: 120_000 });
    if (tar.error || tar.status !== 0)
      fail(`cannot extract ${member} from ${tarball}: ${tar.error?.message ?? tar.stderr.trim()}`);
    const runtime = join(dir, 'bun-neutralised');
    const patched = neutraliseRuntime(join(dir, member), runtime);
    rmSync(join(dir, 'package'), { recursive: true, force: true });
    compile({ bun, target: target.bunTarget, runtime, outfile, bytecode: target.bytecode, bytecodeOrder, assets });
    let info;
    let resigned;
    try {
      info = verifyExecutable(outfile, target.name);
    } catch (e) {
      if (target.os !== 'darwin' || !(e instanceof FormatError))
        fail(`${outfile} is not a ${target.name} executable: ${e.message}`);
      // Bun signs its darwin-arm64 output ad hoc but leaves darwin-x64 with the runtime's stale signature.
      const bytes = readFileSync(outfile);
      const header = describe(bytes);
      if (header.format !== 'macho' || header.cputype !== EXPECTED[target.name].cputype)
        fail(`${outfile} is not a ${target.name} executable: ${e.message}`);
      resigned = e.message;
      writeFileSync(outfile, adhocSign(bytes, 'docker-credential-ecr'));
      try {
        info = verifyExecutable(outfile, target.name);
      } catch (again) {
        fail(
          `${outfile}: Bun's code signature was invalid (${e.message}) and so is the ad-hoc one that replaced it: ${again.message}`,
        );
      }
    }
    return { patched, info, resigned, ms: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!isMainThread && parentPort) {
  parentPort.on('message', (job) => {
    try {
      parentPort.postMessage({ ok: true, result: buildExecutable(job) });
    } catch (e) {
      parentPort.postMessage({ ok: false, message: e instanceof BuildError ? e.message : String(e?.stack ?? e) });
    }
  });
}
