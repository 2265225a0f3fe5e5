// The bound on the credsStore hand-over: a store that is this helper again (a link under another name, a copy, a
// wrapper script that re-invokes us) must answer for itself instead of handing over once more, without end. Two
// marks, because each can be lost:
// - DOCKER_CREDENTIAL_ECR_HANDED_OVER in the store's environment: every platform, but a wrapper that clears the
//   environment (`env -i`, `sudo -i`, systemd-run) loses it;
// - on Linux, the process's ancestry in /proc: an ancestor that is this same executable (the same file, or a
//   byte-identical copy) running a protocol action means we are inside our own hand-over. No environment can hide
//   it; only a wrapper that detaches the re-invocation from its parent (a daemon, ssh, flatpak-spawn --host) does.
//   The npm package runs as a script (`node <launcher> get`): there the executable is the runtime, and an ancestor
//   counts when it runs the same runtime with the same script file and an action.
// Without /proc (macOS, Windows, BSDs without procfs) only the variable is left: the security section says so.
import { closeSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Env } from '../platform/settings';

/** Set in the other store's environment (see above). */
export const HANDED_OVER_ENV = 'DOCKER_CREDENTIAL_ECR_HANDED_OVER';
/**
 * Set by the npm package's launcher (npm/launcher.js) when it starts Node again without Node's own switches: that
 * parent is the same script running the same action, and is not a hand-over.
 */
export const RESTARTED_BY_ENV = 'DOCKER_CREDENTIAL_ECR_RESTARTED_BY';

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

function commandLine(procRoot: string, pid: number | 'self'): string[] {
  const args = readFileSync(`${procRoot}/${pid}/cmdline`, 'latin1').split('\0');
  if (args.at(-1) === '') args.pop();
  return args;
}

/** The script a process runs (`<runtime> <script> <action>`), resolved from that process's working directory. */
function scriptOf(procRoot: string, pid: number | 'self', args: string[]): Stats | undefined {
  if (args.length !== 3 || !ACTIONS.has(args[2]) || args[1] === '') return undefined;
  try {
    return statSync(isAbsolute(args[1]) ? args[1] : `${procRoot}/${pid}/cwd/${args[1]}`);
  } catch {
    return undefined;
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
  if (sameFile(other, self)) return true;
  if (other.size !== self.size || self.size < TAIL_BYTES) return false;
  try {
    return tail(`${procRoot}/${pid}/exe`, other.size).equals(tail(`${procRoot}/self/exe`, self.size));
  } catch {
    return false;
  }
}

/**
 * Why this run is already inside a hand-over of ours, or undefined when it is not (or cannot tell). `procRoot` and
 * `parentPid` are for tests only.
 */
export function insideOwnHandOver(env: Env, procRoot = '/proc', parentPid = process.ppid): string | undefined {
  if (env[HANDED_OVER_ENV]) return `${HANDED_OVER_ENV} is set`;
  let self: Stats;
  let selfScript: Stats | undefined;
  try {
    self = statSync(`${procRoot}/self/exe`);
  } catch {
    return undefined; // No procfs: the variable was the only mark.
  }
  try {
    selfScript = scriptOf(procRoot, 'self', commandLine(procRoot, 'self'));
  } catch {
    selfScript = undefined; // Run as an executable of its own, as far as can be told.
  }
  const restartedBy = Number(env[RESTARTED_BY_ENV]);
  let pid: number | undefined = parentPid;
  try {
    for (let hops = 0; pid !== undefined && pid > 1 && hops < MAX_HOPS; hops++) {
      const args = commandLine(procRoot, pid);
      const action = selfScript ? args[2] : args[1];
      const ours = selfScript
        ? (pid !== parentPid || pid !== restartedBy) &&
          sameFile(scriptOf(procRoot, pid, args), selfScript) &&
          sameExecutable(procRoot, pid, self)
        : args.length === 2 && ACTIONS.has(args[1]) && sameExecutable(procRoot, pid, self);
      if (ours) return `process ${pid} up this one's ancestry is this helper running ${action}`;
      pid = parentOf(procRoot, pid);
    }
  } catch {
    // An ancestor that ended while we looked, or a /proc mounted with hidepid: what was seen is all there is.
  }
  return undefined;
}

function sameFile(a: Stats | undefined, b: Stats): boolean {
  return a !== undefined && a.dev === b.dev && a.ino === b.ino;
}
