// A lock file per cache key, so that a crowd of processes asking for one key makes one AWS call: the first
// creates the lock atomically (O_EXCL) and fetches; the others wait, then find the token in the cache.
// Our own few lines rather than proper-lockfile: that library keeps a timer refreshing the lock's mtime and
// judges staleness by age alone, while a short-lived helper can tell a dead holder precisely by its pid.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockOptions {
  /** How long to wait for another holder before going ahead without the lock. */
  waitMs: number;
  /** A lock older than this is stale whatever its pid says (pid reuse, another host on a shared disk). */
  staleMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Whether a process is alive; injectable for tests. */
  isAlive?: (pid: number) => boolean;
}

export type LockOutcome = { acquired: true; waitedMs: number; release: () => void } | { acquired: false; waitedMs: number; reason: string };

const HOST = hostname();

function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder recorded in a lock file: "pid host startedAt". */
function readHolder(path: string): { pid: number; host: string; startedAt: number } | undefined {
  try {
    const [pid, host, startedAt] = readFileSync(path, 'utf8').trim().split(' ');
    const parsed = { pid: Number(pid), host: host ?? '', startedAt: Number(startedAt) };
    return Number.isInteger(parsed.pid) && Number.isFinite(parsed.startedAt) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function emptyForTooLong(path: string, now: number): boolean {
  try {
    return now - statSync(path).mtimeMs > 2_000;
  } catch {
    return false;
  }
}

/**
 * Tries to take the lock at `path` until `waitMs` has passed. A stale lock (holder dead, or too old) is removed.
 * Two processes that both judge one lock stale may both remove it; the cost of that rare race is one extra
 * AWS call, never a wrong token, because cache writes are atomic.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<LockOutcome> {
  const isAlive = options.isAlive ?? defaultIsAlive;
  const started = options.now();
  let delay = 5;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid} ${HOST} ${options.now()}\n`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        acquired: true,
        waitedMs: options.now() - started,
        release: () => {
          if (released) return;
          released = true;
          try {
            unlinkSync(path);
          } catch {
            // Removed as stale by someone else: nothing left to release.
          }
        },
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') return { acquired: false, waitedMs: options.now() - started, reason: `cannot create lock (${code ?? 'error'})` };
    }
    const holder = readHolder(path);
    const now = options.now();
    const stale =
      holder === undefined
        ? emptyForTooLong(path, now) // being written right now, or its writer died between create and write
        : now - holder.startedAt > options.staleMs || (holder.host === HOST && !isAlive(holder.pid));
    if (stale) {
      try {
        unlinkSync(path);
      } catch (error) {
        // ENOENT: someone else removed it first. Anything else: we cannot clear it, so stop trying.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') return { acquired: false, waitedMs: options.now() - started, reason: `cannot remove a stale lock (${code ?? 'error'})` };
      }
      continue;
    }
    if (now - started >= options.waitMs) return { acquired: false, waitedMs: now - started, reason: 'timed out waiting for another process' };
    await options.sleep(delay);
    // Backoff with jitter so a crowd does not poll in lockstep.
    delay = Math.min(50, delay * 1.5) * (0.75 + Math.random() * 0.5);
  }
}
