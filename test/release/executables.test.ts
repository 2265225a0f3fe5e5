// Runs the release executables that can run here: linux-amd64 natively; linux-arm64 under Debian's qemu-user
// (qemu-aarch64-static with the arm64 libc6 and libstdc++6 from multiarch); both musl builds with Debian's musl
// and a libstdc++ made for them (test/support/musl.ts), arm64 under qemu; windows-amd64.exe under Wine is in
// windows.test.ts. Each must
// answer `version`, then `get` twice against a stub ECR API: a miss that calls the API once and loads the SDK
// chunk, then a cache hit that calls nothing and loads no SDK chunk. What cannot run here is skipped as
// "structure only", with the reason; executable-headers.test.ts checks its headers.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { Run, StubEcr } from './stub-ecr-types';
import { findOnPath } from '../support/tools';
import { muslLibraryDir } from '../support/musl';
import { RELEASE, ABSENT, version, scriptLib } from './release-dir';

const exe = (target: string) => join(RELEASE, `docker-credential-ecr-v${version}.${target}`);

const stubEcr = (): Promise<StubEcr> => scriptLib<StubEcr>('stub-ecr.mjs');

const loadsSdk = (r: Run) =>
  (/chunks loaded: (.*)/.exec(r.stderr)?.[1] ?? '').split(', ').some((name) => name.startsWith('sdk-'));

/** version, miss, hit: all must succeed; the miss calls the API once and loads the SDK chunk, the hit neither. */
async function assertServes(command: string[], timeoutMs: number) {
  const { versionMissHit, describeRun, isStubAnswer } = await stubEcr();
  const r = await versionMissHit(command, { extraEnv: { DOCKER_CREDENTIAL_ECR_LOG: 'debug' }, timeoutMs });
  assert.equal(r.version.status, 0, `version: ${describeRun(r.version)}`);
  assert.equal(r.version.stdout, `docker-credential-ecr ${version}\n`);
  for (const line of r.version.stderr.split('\n').filter(Boolean))
    assert.match(line, /^docker-credential-ecr: debug: /, 'version prints nothing but debug lines on stderr');
  assert.equal(r.miss.status, 0, `get (miss): ${describeRun(r.miss)}`);
  assert.ok(isStubAnswer(r.miss.stdout), `get (miss): ${describeRun(r.miss)}`);
  assert.equal(r.callsAfterMiss, 1, 'the miss called GetAuthorizationToken once');
  assert.ok(loadsSdk(r.miss), `the miss loaded the SDK chunk: ${r.miss.stderr}`);
  assert.equal(r.hit.status, 0, `get (hit): ${describeRun(r.hit)}`);
  assert.ok(isStubAnswer(r.hit.stdout), `get (hit): ${describeRun(r.hit)}`);
  assert.equal(r.callsAfterHit, 1, 'the hit called nothing');
  assert.match(r.hit.stderr, /cache hit/);
  assert.ok(!loadsSdk(r.hit), `the hit loaded no SDK chunk: ${r.hit.stderr}`);
  return r;
}

describe('release executables: running them', { skip: ABSENT }, () => {
  it(
    'linux-amd64 runs natively: version, get miss, get hit, 16 parallel gets -> 1 API call',
    {
      skip:
        process.platform === 'linux' && process.arch === 'x64'
          ? false
          : `structure only: this is ${process.platform}-${process.arch}`,
    },
    async (t: TestContext) => {
      const r = await assertServes([exe('linux-amd64')], 60_000);
      const { crowd, describeRun, isStubAnswer } = await stubEcr();
      const c = await crowd([exe('linux-amd64')], { n: 16 });
      for (const run of c.runs) assert.ok(run.status === 0 && isStubAnswer(run.stdout), describeRun(run));
      assert.equal(c.calls, 1);
      t.diagnostic(
        `native: version ${Math.round(r.version.ms)} ms, miss ${Math.round(r.miss.ms)} ms, hit ${Math.round(r.hit.ms)} ms, 16 parallel ${Math.round(c.ms)} ms`,
      );
    },
  );

  it('linux-arm64 runs under qemu-user: version, get miss, get hit', async (t: TestContext) => {
    const qemu = findOnPath('qemu-aarch64-static') ?? findOnPath('qemu-aarch64');
    const sysroot = process.env.QEMU_LD_PREFIX ?? '/';
    const missing = [
      !qemu && 'qemu-aarch64-static (apt-get install qemu-user-static)',
      !existsSync(join(sysroot, 'lib/ld-linux-aarch64.so.1')) &&
        `the arm64 loader under ${sysroot} (dpkg --add-architecture arm64; apt-get install libc6:arm64)`,
      !['usr/lib/aarch64-linux-gnu/libstdc++.so.6', 'lib/aarch64-linux-gnu/libstdc++.so.6'].some((p) =>
        existsSync(join(sysroot, p)),
      ) && `the arm64 libstdc++ under ${sysroot} (apt-get install libstdc++6:arm64)`,
    ].filter(Boolean);
    if (!qemu || missing.length > 0)
      return t.skip(`structure only: cannot emulate arm64 here, missing ${missing.join(', ')}`);
    const { run, describeRun } = await stubEcr();
    // Bun under qemu has been seen to spin in its JIT: only a probe that hangs makes this "structure only";
    // a probe that runs and fails is a failure.
    const probe = await run(qemu, [exe('linux-arm64'), 'version'], {
      env: { PATH: process.env.PATH, QEMU_LD_PREFIX: process.env.QEMU_LD_PREFIX },
      timeoutMs: 90_000,
    });
    if (probe.timedOut)
      return t.skip(`structure only: ${qemu} did not finish \`version\` in 90 s (Bun's JIT under emulation)`);
    assert.equal(probe.status, 0, `qemu ${describeRun(probe)}`);
    const r = await assertServes([qemu, exe('linux-arm64')], 120_000);
    t.diagnostic(
      `ran under ${qemu}: version ${Math.round(r.version.ms)} ms, miss ${Math.round(r.miss.ms)} ms, hit ${Math.round(r.hit.ms)} ms`,
    );
  });

  // Bun's musl build needs a musl libstdc++.so.6, which Debian does not ship: test/support/musl.ts makes one from
  // Debian's GCC static libraries linked against Debian's musl, and says what that does and does not show.
  it('linux-amd64-musl runs with musl: version, get miss, get hit, 16 parallel gets -> 1 API call', async (t: TestContext) => {
    const lib = muslLibraryDir('amd64', exe('linux-amd64-musl'));
    if (typeof lib === 'string') throw new Error(lib);
    const command = ['/usr/bin/env', `LD_LIBRARY_PATH=${lib.dir}`, exe('linux-amd64-musl')];
    const r = await assertServes(command, 60_000);
    const { crowd, describeRun, isStubAnswer } = await stubEcr();
    const c = await crowd(command, { n: 16 });
    for (const run of c.runs) assert.ok(run.status === 0 && isStubAnswer(run.stdout), describeRun(run));
    assert.equal(c.calls, 1);
    t.diagnostic(
      `musl loader ${lib.loader}: version ${Math.round(r.version.ms)} ms, miss ${Math.round(r.miss.ms)} ms, hit ${Math.round(r.hit.ms)} ms, 16 parallel ${Math.round(c.ms)} ms`,
    );
  });

  it('linux-arm64-musl runs with musl under qemu-user: version, get miss, get hit', async (t: TestContext) => {
    const qemu = findOnPath('qemu-aarch64-static');
    if (!qemu)
      throw new Error(
        "qemu-aarch64-static is missing: apt-get install qemu-user-static (npm test's set-up does this as root)",
      );
    const lib = muslLibraryDir('arm64', exe('linux-arm64-musl'));
    if (typeof lib === 'string') throw new Error(lib);
    const r = await assertServes([qemu, '-E', `LD_LIBRARY_PATH=${lib.dir}`, exe('linux-arm64-musl')], 120_000);
    t.diagnostic(
      `musl loader ${lib.loader} under qemu: version ${Math.round(r.version.ms)} ms, miss ${Math.round(r.miss.ms)} ms, hit ${Math.round(r.hit.ms)} ms`,
    );
  });

  it(
    'windows-amd64.exe: runs under Wine in windows.test.ts; windows-arm64.exe: structure only',
    {
      skip: 'structure only: nothing here runs Windows on arm64 (Wine runs x86-64 code only); executable-headers.test.ts checks its PE headers, and the release workflow runs it on a windows-11-arm runner',
    },
    () => {},
  );

  for (const arch of ['amd64', 'arm64']) {
    const native = process.platform === 'darwin' && (process.arch === 'x64' ? 'amd64' : process.arch) === arch;
    it(
      `darwin-${arch} runs natively: version, get miss, get hit`,
      {
        skip: native
          ? false
          : `structure only: a macOS executable cannot run on ${process.platform}-${process.arch}; executable-headers.test.ts verifies its code-signature page hashes`,
      },
      async () => {
        await assertServes([exe(`darwin-${arch}`)], 60_000);
      },
    );
  }
});
