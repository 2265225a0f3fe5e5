// Where a token printed by `dockerconfigjson` or `pull-secret` lands when it is not a pipe: `--output FILE` (written
// 0600, atomically), or standard output redirected to a file (`> config.json`), which the shell creates under the
// umask, usually 0644: readable by every local user, where Docker keeps its own config.json at 0600.
import { fchmodSync, fstatSync, lstatSync, readlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HelperError } from '../platform/errors';
import { printable } from '../platform/log';
import { writeFileAtomically } from '../platform/atomic-write';
import { followSymlinks } from '../docker/config-file';

/** What we need to know of standard output when it is a regular file. */
export interface OutputFile {
  mode: number;
  uid: number;
  /** Makes it readable and writable by its owner only; throws when the system refuses. */
  makePrivate(): void;
}

/** Standard output (fd 1) when it is a regular file; undefined for a pipe, a terminal, a socket or /dev/null. */
export function realStdoutFile(stdout: NodeJS.WritableStream): OutputFile | undefined {
  // Only the process's own standard output: an in-process caller's stream is not fd 1.
  if ((stdout as { fd?: unknown }).fd !== 1 || process.platform === 'win32') return undefined;
  try {
    const stat = fstatSync(1);
    if (!stat.isFile()) return undefined;
    return { mode: stat.mode & 0o7777, uid: stat.uid, makePrivate: () => fchmodSync(1, stat.mode & 0o700) };
  } catch {
    return undefined;
  }
}

/**
 * Before a token is written to standard output: a file others can read is made private when it is the caller's
 * own, and otherwise (another user's file: root writing into it, say) named in a warning. Returns what to say on
 * stderr, if anything; never the token.
 */
export function guardStdoutFile(file: OutputFile | undefined, uid: number | undefined): string | undefined {
  if (!file || (file.mode & 0o044) === 0) return undefined;
  const mode = file.mode.toString(8).padStart(4, '0');
  if (uid !== undefined && file.uid === uid) {
    try {
      file.makePrivate();
      return `standard output is a file others could read (mode ${mode}); made it private (mode ${(file.mode & 0o700).toString(8).padStart(4, '0')}) before writing the token`;
    } catch (error) {
      return `warning: standard output is a file others can read (mode ${mode}) and it cannot be made private (${(error as NodeJS.ErrnoException).code ?? 'error'}): the token in it is readable by them; use --output FILE, which is written 0600`;
    }
  }
  return `warning: standard output is another user's file (uid ${file.uid}) that others can read (mode ${mode}): the token in it is readable by them; use --output FILE, which is written 0600`;
}

/** Writes the output to FILE (through a link, to where it points), mode 0600, replacing it atomically. Throws WriteError. */
export function writeTokenFile(path: string, text: string): string {
  refuseForeignLinks(resolve(path));
  const target = followSymlinks(resolve(path));
  // No mode is kept from a file being replaced: a token file is the caller's alone.
  writeFileAtomically(target, text);
  return target;
}

/**
 * A link someone else made (in /tmp, where anyone can) would send the token wherever they chose, even where the
 * kernel's protected_symlinks would not let the caller follow it: every link on the way must be the caller's own.
 */
function refuseForeignLinks(path: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      return;
    }
    if (!stat.isSymbolicLink()) return;
    if (stat.uid !== uid)
      throw new HelperError(
        `${printable(current)} is a symbolic link of another user (uid ${stat.uid}); not writing a token through it`,
      );
    current = resolve(dirname(current), readlinkSync(current));
  }
}
