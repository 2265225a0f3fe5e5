// The bound on the credsStore hand-over: a store that is this helper again (a link under another name, a copy, a
// wrapper script that re-invokes us) must answer for itself instead of handing over once more, without end. Two
// marks, because each can be lost:
// - DOCKER_CREDENTIAL_ECR_HANDED_OVER in the store's environment: every platform, but a wrapper that clears the
//   environment (`env -i`, `sudo -i`, systemd-run) loses it;
// - on Linux, the process's ancestry in /proc: an ancestor that is this same executable (the same file, or a
//   byte-identical copy) running a protocol action means we are inside our own hand-over. No environment can hide
//   it; only a wrapper that detaches the re-invocation from its parent (a daemon, ssh, flatpak-spawn --host) does.
// Without /proc (macOS, Windows, BSDs without procfs) only the variable is left: the security section says so.
import { closeSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import type { Env } from '../platform/settings';

/** Set in the other store's environment (see above). */
export const HANDED_OVER_ENV = 'DOCKER_CREDENTIAL_ECR_HANDED_OVER';

const ACTIONS: ReadonlySet<string> = new Set(['get', 'store', 'erase', 'list']);
/** Ancestors looked at: a real chain of ours is short, and a loop in a corrupt /proc must end. */
const MAX_HOPS = 64;
/** How much of two same-size executables is compared to call them copies (the Bun bundle sits at the end). */
const TAIL_BYTES = 64 * 1024;

/** The parent pid in /proc/<pid>/stat: the field after the state, after the command name in parentheses. */
function parentOf(procRoot: string, pid: number): number | undefined {
  const stat = readFileSync(`${procRoot}/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

function tail(path: string, size: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(TAIL_BYTES, size));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer;
  } finally {
    closeSync(fd);
  }
}

/** Whether the process's executable is ours: the same file, or a copy with the same size and the same last bytes. */
function sameExecutable(procRoot: string, pid: number, self: Stats): boolean {
  let other: Stats;
  try {
    other = statSync(`${procRoot}/${pid}/exe`);
  } catch {
    return false; // Another user's process (no ptrace access): not one we started.
  }
  if (other.dev === self.dev && other.ino === self.ino) return true;
  if (other.size !== self.size || self.size < TAIL_BYTES) return false;
  try {
    return tail(`${procRoot}/${pid}/exe`, other.size).equals(tail(`${procRoot}/self/exe`, self.size));
  } catch {
    return false;
  }
}

/**
 * Why this run is already inside a hand-over of ours, or undefined when it is not (or cannot tell). `procRoot` is
 * for tests only.
 */
export function insideOwnHandOver(env: Env, procRoot = '/proc'): string | undefined {
  if (env[HANDED_OVER_ENV]) return `${HANDED_OVER_ENV} is set`;
  let self: Stats;
  try {
    self = statSync(`${procRoot}/self/exe`);
  } catch {
    return undefined; // No procfs: the variable was the only mark.
  }
  let pid: number | undefined = process.ppid;
  try {
    for (let hops = 0; pid !== undefined && pid > 1 && hops < MAX_HOPS; hops++) {
      const args = readFileSync(`${procRoot}/${pid}/cmdline`, 'latin1').split('\0');
      if (args.at(-1) === '') args.pop();
      if (args.length === 2 && ACTIONS.has(args[1]) && sameExecutable(procRoot, pid, self)) {
        return `process ${pid} up this one's ancestry is this helper running ${args[1]}`;
      }
      pid = parentOf(procRoot, pid);
    }
  } catch {
    // An ancestor that ended while we looked, or a /proc mounted with hidepid: what was seen is all there is.
  }
  return undefined;
}
