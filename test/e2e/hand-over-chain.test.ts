// The bound on the credsStore hand-over, with the built executable: a store that is this helper again behind a
// wrapper that clears the environment (so DOCKER_CREDENTIAL_ECR_HANDED_OVER is lost) still answers once instead of
// handing over without end, and killing whoever started a hand-over ends it and the store it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, EXECUTABLE, runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';
import { shellQuote } from '../support/shell';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A PATH directory with docker-credential-<name>, a config naming it, and the environment to run us with. */
function storeSetup(name: string, script: string): { dir: string; env: Record<string, string> } {
  assertBuilt();
  const dir = tempDir('dce-chain-');
  writeFileSync(join(dir, `docker-credential-${name}`), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: name }));
  return {
    dir,
    env: {
      HOME: dir,
      PATH: `${dir}:/usr/bin:/bin`,
      DOCKER_CREDENTIAL_ECR_CONFIG: join(dir, 'config.json'),
      DOCKER_CREDENTIAL_ECR_LOG: 'debug',
    },
  };
}

/**
 * A wrapper that counts its calls, clears the environment (`env -i`, no `exec`: the shell stays in between) and
 * runs `exe` again with only what it needs. A `stop` file ends any chain the old code would have left running.
 */
function wipingWrapper(exe: string): {
  dir: string;
  env: Record<string, string>;
  calls: () => number;
  stop: () => void;
} {
  const { dir, env } = storeSetup('wipe', '');
  const calls = join(dir, 'calls');
  writeFileSync(
    join(dir, 'docker-credential-wipe'),
    `#!/bin/sh\necho "$$" >> ${shellQuote(calls)}\n[ -e ${shellQuote(`${dir}/stop`)} ] && exit 9\n` +
      `env -i PATH=${shellQuote(`${dir}:/usr/bin:/bin`)} HOME=${shellQuote(dir)} DOCKER_CREDENTIAL_ECR_CONFIG=${shellQuote(join(dir, 'config.json'))} DOCKER_CREDENTIAL_ECR_LOG=debug ${shellQuote(exe)} "$@"\n`,
    { mode: 0o755 },
  );
  return {
    dir,
    env,
    calls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean).length : 0),
    stop: () => writeFileSync(join(dir, 'stop'), ''),
  };
}

test('a wrapper store that clears the environment and runs this helper again: one hand-over, then our own answer', async () => {
  const w = wipingWrapper(EXECUTABLE);
  try {
    const get = await runExecutable(['get'], { env: w.env, stdin: 'ghcr.io', killAfterMs: 15_000 });
    assert.equal(get.signal, null, `it handed over without end (${w.calls()} wrapper calls before it was killed)`);
    assert.equal(get.code, 1);
    assert.equal(get.stdout, 'credentials not found in native keychain\n');
    assert.equal(w.calls(), 1);
    assert.match(
      get.stderr,
      /this helper was itself run as the other store \(process \d+ up this one's ancestry is this helper running get\), so it does not hand over again/,
    );

    // A login is refused by the inner run, and that refusal reaches Docker: never "Login Succeeded" over nothing.
    const store = await runExecutable(['store'], {
      env: w.env,
      stdin: JSON.stringify({ ServerURL: 'ghcr.io', Username: 'u', Secret: 'p' }),
      killAfterMs: 15_000,
    });
    assert.equal(store.signal, null);
    assert.equal(store.code, 1);
    assert.match(
      store.stdout,
      /^docker-credential-ecr stores no credentials for ghcr\.io, which is not an ECR registry: .*does not hand over again/,
    );
    assert.equal(w.calls(), 2);
  } finally {
    w.stop();
  }
});

test('the same with a copy of the executable (another file, the same bytes) behind the wrapper', async () => {
  const copyDir = tempDir('dce-chain-copy-');
  const copy = join(copyDir, 'docker-credential-ecr-copy');
  copyFileSync(EXECUTABLE, copy);
  chmodSync(copy, 0o755);
  const w = wipingWrapper(copy);
  try {
    const get = await runExecutable(['get'], { env: w.env, stdin: 'ghcr.io', killAfterMs: 15_000 });
    assert.equal(get.signal, null, `it handed over without end (${w.calls()} wrapper calls)`);
    assert.equal(get.code, 1);
    assert.equal(w.calls(), 1);
    assert.match(get.stderr, /up this one's ancestry is this helper running get/);
  } finally {
    w.stop();
  }
});

test('killing the top of such a chain leaves nothing running that goes on handing over', async () => {
  const w = wipingWrapper(EXECUTABLE);
  const top = spawn(EXECUTABLE, ['get'], { env: w.env, stdio: ['pipe', 'ignore', 'ignore'] });
  top.stdin.end('ghcr.io');
  try {
    await sleep(1500);
    top.kill('SIGKILL');
    await sleep(1000);
    const afterKill = w.calls();
    await sleep(1500);
    assert.equal(w.calls(), afterKill, 'wrappers were still being started after the top was killed');
    assert.ok(afterKill <= 1, `${afterKill} wrapper calls for one get`);
  } finally {
    w.stop();
  }
});

/** Whether a process is gone (or a zombie no one has reaped yet: it runs nothing). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].startsWith('Z');
  } catch {
    return true;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(100)) if (gone(pid)) return true;
  return gone(pid);
}

/** Ends a process this test started (when a failing run left it). */
function end(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The pids the hanging store wrote: its own, and its parent's (this helper). */
async function hangingStoreAndItsPids(dir: string): Promise<{ store: number; us: number }> {
  const pids = join(dir, 'pids');
  for (let i = 0; i < 100 && !existsSync(pids); i++) await sleep(100);
  const [store, us] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
  return { store: store, us: us };
}

test('SIGTERM to this helper while the store behind it hangs ends the store too', async () => {
  const pidDir = tempDir('dce-chain-pids-');
  const { env } = storeSetup(
    'hang',
    `cat >/dev/null\necho "$$ $PPID" > ${shellQuote(`${pidDir}/pids`)}\nexec sleep 60`,
  );
  const top = spawn(EXECUTABLE, ['get'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
  top.stdin.end('ghcr.io');
  const { store } = await hangingStoreAndItsPids(pidDir);
  try {
    const exited = new Promise<number | null>((done) => top.on('exit', (code) => done(code)));
    top.kill('SIGTERM');
    assert.ok(await waitGone(store, 3000), 'the store was left running');
    assert.equal(await exited, 128 + 15, 'it exits as a process ended by SIGTERM would');
  } finally {
    end(store);
  }
});

test('SIGKILL to whoever started this helper (Docker, a shell) ends it and the store it runs', async () => {
  const pidDir = tempDir('dce-chain-pids-');
  const { env } = storeSetup(
    'hang',
    `cat >/dev/null\necho "$$ $PPID" > ${shellQuote(`${pidDir}/pids`)}\nexec sleep 60`,
  );
  // The shell stays (a command follows): it is our parent, and it is what gets killed.
  const caller = spawn('/bin/sh', ['-c', `echo ghcr.io | ${shellQuote(EXECUTABLE)} get; echo after`], {
    env,
    stdio: 'ignore',
  });
  const { store, us } = await hangingStoreAndItsPids(pidDir);
  try {
    caller.kill('SIGKILL');
    assert.ok(await waitGone(us, 3000), 'this helper went on after its parent was killed');
    assert.ok(await waitGone(store, 3000), 'the store was left running');
  } finally {
    end(us);
    end(store);
  }
});
