// The order the executable's bytecode is laid out in (`bun build --bytecode-order`): the functions a cache hit runs
// first, then those `version` and a miss run, each group together in the file. A run touches the pages its functions
// are on; laid out in the order the bundler happens to write them, a hit touched about 720 KB of the embedded module
// graph, spread over the whole of it; laid out by a hit's own order, about 270 KB (docs/performance.md).
//
// The order is what a build of the same sources recorded when it ran: a profiling executable, compiled as the real
// one but with the pinned runtime as it comes (the real one's runtime cannot write the file: BUN_BYTECODE_ORDER_OUT
// is neutralised, NEUTRALISED_ENV in compile.mjs), runs a miss, a hit from the memo and `version` against the stub
// ECR API, each with BUN_BYTECODE_ORDER_OUT set. Recorded at every build, so it never falls behind the code.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compile, fail } from '../compile.mjs';
import { describeRun, isStubAnswer, REGISTRY, run, startStubEcr, stubEnv } from './stub-ecr.mjs';

/**
 * Compiles and runs the profiling executable in `workDir`; returns the order files, most important first. Fails
 * when the profiling executable does not answer (the real one would not either); returns [] only where the runtime
 * wrote no order (a platform where it does not).
 */
export async function recordBytecodeOrder({ bun, target, workDir }) {
  mkdirSync(workDir, { recursive: true });
  const exe = join(workDir, process.platform === 'win32' ? 'profile.exe' : 'profile');
  compile({ bun, target, runtime: bun.path, outfile: exe });
  const stub = await startStubEcr();
  const { env, cleanup } = stubEnv(stub);
  const file = (name) => join(workDir, `${name}.order`);
  try {
    // The memo's name covers the environment, so every run of one kind has the same BUN_BYTECODE_ORDER_OUT.
    const get = async (order) => {
      const r = await run(exe, ['get'], { env: { ...env, BUN_BYTECODE_ORDER_OUT: order }, stdin: `${REGISTRY}\n` });
      if (r.status !== 0 || !isStubAnswer(r.stdout)) fail(`the profiling executable's get failed: ${describeRun(r)}`);
    };
    await get(file('miss'));
    // The first hit in this environment takes the full path and writes the memo; the second is the hit from it.
    await get(file('hit'));
    await get(file('hit'));
    const version = await run(exe, ['version'], { env: { ...env, BUN_BYTECODE_ORDER_OUT: file('version') } });
    if (version.status !== 0) fail(`the profiling executable's version failed: ${describeRun(version)}`);
  } finally {
    cleanup();
    await stub.close();
  }
  return ['hit', 'version', 'miss'].map(file).filter((f) => existsSync(f) && statSync(f).size > 0);
}
