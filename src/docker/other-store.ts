// The store behind us under `"credsStore": "ecr"`: which one it is (the helper config's "credsStore", else the
// one Docker itself would pick on this platform), and running it on exactly the bytes Docker sent us.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { findOnPath } from '../platform/executable-path';
import { loadRegistryConfig } from '../registry/config-file';
import type { Env, Settings } from '../platform/settings';
import type { ProtocolAction } from './protocol';
import { HANDED_OVER_ENV, insideOwnHandOver } from './hand-over-chain';

export { HANDED_OVER_ENV } from './hand-over-chain';

/** The config file's value that turns the hand-over off even when a platform store is installed. */
export const NO_STORE = 'none';

export type OtherStore =
  | { state: 'found'; name: string; path: string; source: 'config' | 'platform' }
  /** Named in the config file but not on PATH: a mistake to report, never a silent fall-back. */
  | { state: 'missing'; name: string; source: 'config' | 'platform' }
  | { state: 'none'; why: string };

/**
 * The helpers Docker itself falls back to when config.json names no credsStore (docker/cli's
 * DetectDefaultStore): on Linux `pass` when the `pass` program is installed, else `secretservice`; the
 * platform keychain on macOS and Windows. Only used when its docker-credential-<name> is on PATH, as Docker does.
 */
export function platformStoreName(platform: NodeJS.Platform, path: string): string | undefined {
  if (platform === 'darwin') return 'osxkeychain';
  if (platform === 'win32') return 'wincred';
  if (platform === 'linux' || platform === 'freebsd') return findOnPath(path, 'pass') ? 'pass' : 'secretservice';
  return undefined;
}

/** Which store gets the hosts this helper does not serve. Reading the config file may throw a ConfigError. */
export function otherStore(settings: Settings, env: Env, platform: NodeJS.Platform = process.platform): OtherStore {
  const path = env.PATH ?? '';
  const inside = insideOwnHandOver(env);
  if (inside)
    return {
      state: 'none',
      why: `this helper was itself run as the other store (${inside}), so it does not hand over again`,
    };
  const named = loadRegistryConfig(settings)?.credsStore;
  if (named === NO_STORE) return { state: 'none', why: `"credsStore": "${NO_STORE}" in ${settings.helperConfigFile}` };
  if (named !== undefined) {
    const found = findOnPath(path, `docker-credential-${named}`);
    return found
      ? { state: 'found', name: named, path: found, source: 'config' }
      : { state: 'missing', name: named, source: 'config' };
  }
  const usual = platformStoreName(platform, path);
  if (!usual) return { state: 'none', why: `no usual credential store on ${platform}` };
  const found = findOnPath(path, `docker-credential-${usual}`);
  return found
    ? { state: 'found', name: usual, path: found, source: 'platform' }
    : {
        state: 'none',
        why: `no "credsStore" in ${settings.helperConfigFile ?? 'the helper config'}, and docker-credential-${usual} (this platform's usual store) is not on PATH`,
      };
}

export interface StoreIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Env;
}

export interface RunResult {
  code: number;
  stdout: Buffer;
}

/** Signals that end us while the store runs: passed on to it, so that killing us does not leave it running. */
const FORWARDED = { SIGTERM: 15, SIGINT: 2, SIGHUP: 1 } as const;
/** How often a running hand-over checks that whoever started us is still there. */
const PARENT_CHECK_MS = 200;

function answerGoesToFile(): boolean {
  try {
    return fstatSync(1).isFile();
  } catch {
    return false;
  }
}

/**
 * Ends the store with us: a signal that ends us is passed on to it first, and when our parent dies (killed with
 * SIGKILL, which nothing can catch) we are re-parented, notice it, end the store and exit. A chain of hand-overs
 * thus unwinds from whichever end is killed. Returns the function that stops watching.
 */
function tieToParent(child: ChildProcessWithoutNullStreams): () => void {
  const parent = process.ppid;
  const handlers = Object.entries(FORWARDED).map(([signal, number]) => {
    const handler = (): void => {
      child.kill(signal as NodeJS.Signals);
      process.exit(128 + number);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  // An answer going to a file is still read after our parent is gone (a backgrounded run of a script that ended).
  const watch = answerGoesToFile()
    ? undefined
    : setInterval(() => {
        if (process.ppid === parent) return;
        child.kill('SIGTERM');
        process.exit(1); // No one is left to read the answer.
      }, PARENT_CHECK_MS);
  watch?.unref();
  return () => {
    if (watch) clearInterval(watch);
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}

/** Runs docker-credential-<name> <action> with these stdin bytes; `capture` keeps stdout instead of passing it on. */
export async function runOtherStore(
  store: { path: string },
  action: ProtocolAction,
  input: Buffer,
  io: StoreIo,
  capture = false,
  /** For doctor's probe: a store that waits on a locked keyring must not hang the check. */
  timeoutMs?: number,
): Promise<RunResult> {
  // Loaded here, not at the top: a cache hit for an ECR host never starts another process, so never loads this.
  const { spawn } = await import('node:child_process');
  return new Promise((done) => {
    const out: Buffer[] = [];
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(store.path, [action], {
        env: { ...io.env, [HANDED_OVER_ENV]: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      done({ code: -1, stdout: Buffer.from((error as NodeJS.ErrnoException).code ?? 'spawn failed') });
      return;
    }
    const untie = tieToParent(child);
    child.stdout.on('data', (chunk: Buffer) => (capture ? out.push(chunk) : io.stdout.write(chunk)));
    child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk));
    child.stdin.on('error', () => undefined); // A helper that exits without reading all of stdin.
    let settled = false;
    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      untie();
      done(result);
    };
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            // A grandchild (a keyring prompt, `sleep`) may hold the pipes open after the kill: stop waiting for them.
            child.kill('SIGKILL');
            child.stdout.destroy();
            child.stderr.destroy();
            finish({ code: -1, stdout: Buffer.from(`no answer within ${Math.round(timeoutMs / 1000)} s`) });
          }, timeoutMs);
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => (spawnError = error));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (spawnError) finish({ code: -1, stdout: Buffer.from(spawnError.code ?? 'spawn failed') });
      // Killed by a signal: a shell would say 128+n; any non-zero code tells Docker it failed.
      else finish({ code: code ?? (signal ? 1 : 0), stdout: Buffer.concat(out) });
    });
    child.stdin.end(input);
  });
}
