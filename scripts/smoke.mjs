// The smoke test of one release executable, exactly as the release runs it here and as the release workflow
// (.github/workflows/release.yml) runs it on the machines we lack: `version`; `get` against a stub ECR API on
// 127.0.0.1, a miss (one API call, the AWS SDK chunk loaded) then a hit (no call, no SDK chunk); then 16
// parallel gets with a cold cache (one API call). Exits non-zero, saying what failed.
//
// Usage: node scripts/smoke.mjs <executable> [runner...]   e.g. node scripts/smoke.mjs dist/release/x.exe
//        (a runner such as qemu-aarch64-static or wine64 goes before the executable when given)
import { resolve } from 'node:path';
import { BuildError } from './compile.mjs';
import { smokeTest } from './lib/stub-ecr.mjs';

const [exe, ...runner] = process.argv.slice(2);
if (!exe) {
  console.error('usage: node scripts/smoke.mjs <executable> [runner...]');
  process.exit(2);
}
try {
  const r = await smokeTest([...runner, resolve(exe)], exe, { crowdSize: 16, timeoutMs: 120_000 });
  console.log(`${exe}: ${r.version}; ${r.summary}`);
} catch (e) {
  console.error(`smoke test failed: ${e instanceof BuildError ? e.message : (e?.stack ?? e)}`);
  process.exit(1);
}
