// A lock file per cache key, so that a crowd of processes asking for one key makes one AWS call: the first
// creates the lock atomically (O_EXCL) and fetches; the others wait, then find the token in the cache.
// Our own few lines rather than proper-lockfile: that library keeps a timer refreshing the lock's mtime and
// judges staleness by age alone, while a short-lived helper can tell a dead holder precisely by its pid.
import { closeSync, openSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { readRegularText } from '../platform/read-file';

export interface LockOptions {
  /** How long to wait for another holder before going ahead without the lock. */
  waitMs: number;
  /** A lock older than this is stale whatever its pid says (pid reuse, another host on a shared disk). */
  staleMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Whether a process is alive; injectable for tests. */
  isAlive?: (pid: number) => boolean;
  /**
   * Removes a stale lock; injectable for tests. On Windows a file removed while another process has it open
   * stays where it is, unopenable, until that process closes it (seen under Wine with a crowd of waiters each
   * reading the holder), so a removal that "succeeded" may not have taken effect yet.
   */
  removeFile?: (path: string) => void;
}

export type LockOutcome =
  | {
      acquired: true;
      waitedMs: number;
      release: () => void;
      /**
       * Says that the holder is waiting for a person (an MFA code typed at the terminal). Until the lock is
       * released, waiters then wait up to PROMPT_WAIT_MS for that one prompt instead of giving up and asking
       * themselves: the fetch that follows the typed code still takes a moment.
       */
      markPrompting: () => void;
    }
  | {
      acquired: false;
      waitedMs: number;
      reason: string;
      /** Another process held the lock for all of waitMs (as opposed to a lock that cannot be made here). */
      timedOut?: boolean;
      /** Who holds it, for the message: "pid 4242 on build-pod-7f9c". */
      holder?: string;
    };

/** How long a crowd waits for one person to type an MFA code, and how long such a lock is not stale by age. */
export const PROMPT_WAIT_MS = 5 * 60_000;

const HOST = hostname();
const FUTURE_LOCK_MS = 60_000;
/** How long a stale lock may outlive its removal (a Windows file still open elsewhere) before we stop waiting for it. */
const STUCK_STALE_MS = 1_000;

function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder recorded in a lock file: "pid host startedAt [promptingSince]". */
function readHolder(
  path: string,
): { pid: number; host: string; startedAt: number; promptingSince?: number } | undefined {
  try {
    const [pid, host, startedAt, promptingSince] = readRegularText(path, { maxBytes: 256, followSymlinks: false })
      .trim()
      .split(' ');
    const parsed = {
      pid: Number(pid),
      host: host ?? '',
      startedAt: Number(startedAt),
      ...(promptingSince ? { promptingSince: Number(promptingSince) } : {}),
    };
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
  const removeFile = options.removeFile ?? unlinkSync;
  const started = options.now();
  let delay = 5;
  // Set right after we removed a stale lock, so that the retry is immediate once but never a busy loop: a lock
  // still there after its removal is waited on like any other, so that timers (the timeout's among them) get a
  // turn (docs/design.md, "Waiting never spins").
  let justRemoved = false;
  let firstRemovedAt: number | undefined;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      const takenAt = options.now();
      try {
        writeSync(fd, `${process.pid} ${HOST} ${takenAt}\n`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        acquired: true,
        waitedMs: options.now() - started,
        markPrompting: () => {
          if (released) return;
          try {
            writeFileSync(path, `${process.pid} ${HOST} ${takenAt} ${options.now()}\n`, { mode: 0o600 });
          } catch {
            // The lock is gone (judged stale): waiters go ahead on their own, as they would anyway.
          }
        },
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
      if (code !== 'EEXIST')
        return {
          acquired: false,
          waitedMs: options.now() - started,
          reason: `cannot create lock (${code ?? 'error'})`,
        };
    }
    const holder = readHolder(path);
    const now = options.now();
    const prompting = holder?.promptingSince !== undefined && now - holder.promptingSince < PROMPT_WAIT_MS;
    const stale =
      holder === undefined
        ? emptyForTooLong(path, now) // being written right now, or its writer died between create and write
        : (!prompting && now - holder.startedAt > options.staleMs) ||
          (holder.host === HOST && !isAlive(holder.pid)) ||
          // Taken in the future by our clock: another machine's clock on a shared volume; age cannot be judged.
          holder.startedAt - now > FUTURE_LOCK_MS;
    if (stale && !justRemoved) {
      try {
        removeFile(path);
      } catch (error) {
        // ENOENT: someone else removed it first. Anything else: we cannot clear it, so stop trying.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT')
          return {
            acquired: false,
            waitedMs: options.now() - started,
            reason: `cannot remove a stale lock (${code ?? 'error'})`,
          };
      }
      justRemoved = true;
      firstRemovedAt ??= now;
      continue;
    }
    justRemoved = false;
    if (!stale) firstRemovedAt = undefined;
    // A stale lock that will not go away is nobody's fetch in progress: after a moment, go ahead without it.
    if (stale && now - firstRemovedAt! >= STUCK_STALE_MS)
      return {
        acquired: false,
        waitedMs: now - started,
        reason: `a stale lock was still there ${now - firstRemovedAt!} ms after its removal`,
      };
    const waitMs = prompting
      ? Math.max(options.waitMs, holder.promptingSince! + PROMPT_WAIT_MS - started)
      : options.waitMs;
    if (now - started >= waitMs) {
      return {
        acquired: false,
        waitedMs: now - started,
        reason: 'timed out waiting for another process',
        timedOut: true,
        ...(holder ? { holder: `pid ${holder.pid} on ${holder.host}` } : {}),
      };
    }
    await options.sleep(delay);
    // Backoff with jitter so a crowd does not poll in lockstep.
    delay = Math.min(50, delay * 1.5) * (0.75 + Math.random() * 0.5);
  }
}
