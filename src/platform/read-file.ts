// Reading a file that someone else may have replaced: a FIFO (open and read would block forever), a symlink to
// /dev/zero or /dev/urandom (read until memory runs out), a directory. Every file the helper reads goes through
// here: it opens without blocking, checks that what it opened is a regular file, and reads a bounded amount.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statfsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, sep } from 'node:path';
import { fingerprintOf, type FileFingerprint } from './file-fingerprint';

export interface ReadFileOptions {
  /** Larger files are refused (EFBIG), not truncated: a truncated file would be silently misread. */
  maxBytes: number;
  /**
   * false: a symlink at `path` itself is refused (ELOOP). For the helper's own files (cache entries, locks),
   * which it never creates as links. Files people manage (~/.aws/config, token files projected by Kubernetes
   * through `..data` links) are followed, and only the target's type is checked.
   */
  followSymlinks: boolean;
}

/**
 * Every read since the last takeReadJournal(), in order; `unreadable` when a read failed otherwise than ENOENT
 * (such a run's decision is never memoised). Module state, because every reader in the program goes through here.
 */
let journal: { reads: FileFingerprint[]; unreadable: boolean } = { reads: [], unreadable: false };

export function takeReadJournal(): { reads: FileFingerprint[]; unreadable: boolean } {
  const taken = journal;
  journal = { reads: [], unreadable: false };
  return taken;
}

/** An error with an errno-style code, like those of node:fs, so callers handle both alike. */
function fileError(path: string, code: string, what: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${path}: ${what}`), { code, path });
}

// Windows has neither flag (nor FIFOs to fear); 0 leaves the open as it was.
const NONBLOCK = constants.O_NONBLOCK ?? 0;
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * The file's bytes. Throws the open's own error (ENOENT, EACCES, ELOOP for a refused symlink), ENOTREG for
 * anything but a regular file, EFBIG past maxBytes.
 */
function readRegularFile(path: string, options: ReadFileOptions): { bytes: Buffer; stat: import('node:fs').Stats } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NONBLOCK | (options.followSymlinks ? 0 : NOFOLLOW));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') journal.reads.push(absent(path));
    else journal.unreadable = true;
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    journal.reads.push({ path, fingerprint: fingerprintOf(stat) });
    if (!stat.isFile()) throw fileError(path, 'ENOTREG', 'not a regular file');
    if (stat.size > options.maxBytes) throw fileError(path, 'EFBIG', `larger than ${options.maxBytes} bytes`);
    // The size can change between fstat and read (a file being appended to): read one byte past the limit to
    // notice, never more.
    const buffer = Buffer.allocUnsafe(Math.min(options.maxBytes + 1, Math.max(stat.size, 4096)));
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > options.maxBytes) throw fileError(path, 'EFBIG', `larger than ${options.maxBytes} bytes`);
      if (length === buffer.length) break;
    }
    return { bytes: buffer.subarray(0, length), stat };
  } catch (error) {
    journal.unreadable = true;
    throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * Linux file systems whose directories change (times, here) whenever an entry is added, removed or renamed in them,
 * at once and seen at once by every reader: ext2-4, xfs, btrfs, tmpfs, ramfs, overlayfs, f2fs, zfs, bcachefs.
 * Not the others: FUSE (rclone, s3fs, gcsfuse report fixed directory times; virtiofs), NFS, CIFS and 9p (attributes
 * cached apart from lookups, or another machine's clock), FAT and exFAT (2 s times), nor any file system on a system
 * whose numbers we do not know. There an absent file is checked itself, as before.
 */
const DIRECTORIES_FOLLOW_ENTRIES: ReadonlySet<number> = new Set([
  0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x858458f6, 0x794c7630, 0xf2f52010, 0x2fc12fc1, 0xca451a4e,
]);

function directoryFollowsEntries(dir: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // >>> 0: where f_type is a signed 32-bit number, btrfs's magic reads as negative.
    return DIRECTORIES_FOLLOW_ENTRIES.has(Number(statfsSync(dir).type) >>> 0);
  } catch {
    return false;
  }
}

/**
 * An absent file's record, with its nearest existing ancestor when one can vouch for the absence (FileFingerprint):
 * the ancestor is statted first, then the name under it must have no entry at all (lstat: a dangling link is an
 * entry, whose target may appear without the directory changing). Otherwise the plain record: the file itself.
 */
function absent(path: string): FileFingerprint {
  // A relative path's ancestors are the working directory's, which no memo covers.
  if (!isAbsolute(path)) return { path, fingerprint: null };
  let below = path;
  for (let dir = dirname(path); dir !== below; below = dir, dir = dirname(dir)) {
    let fingerprint: string;
    try {
      const stat = statSync(dir);
      if (!stat.isDirectory() || !directoryFollowsEntries(dir)) break;
      fingerprint = fingerprintOf(stat);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      break;
    }
    try {
      // Not path.join, which would resolve a '..' by the text: after a link, the kernel's '..' is the target's parent.
      lstatSync(`${dir.endsWith(sep) ? dir : `${dir}${sep}`}${basename(below)}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { path, fingerprint: null, absentUnder: { path: dir, fingerprint } };
    }
    break;
  }
  return { path, fingerprint: null };
}

/** readRegularFile as UTF-8 text. */
export function readRegularText(path: string, options: ReadFileOptions): string {
  return readRegularFile(path, options).bytes.toString('utf8');
}

/** readRegularText, with the stat of what was read (its mode and owner, for a file that will be rewritten). */
export function readRegularTextWithStat(
  path: string,
  options: ReadFileOptions,
): { text: string; stat: import('node:fs').Stats } {
  const { bytes, stat } = readRegularFile(path, options);
  return { text: bytes.toString('utf8'), stat };
}

/** Why a read failed, in words for a message that names the file. */
export function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTREG') return 'not a regular file: a FIFO, a device or a directory, or a link to one';
  if (code === 'EFBIG') return (error as Error).message.replace(/^.*: /, '');
  if (code === 'EISDIR') return 'a directory';
  return code ?? 'error';
}
