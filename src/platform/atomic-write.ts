// Replaces a file so that a reader (a `docker pull` running right now) sees the old bytes or the new ones, never
// half of each: a temporary file in the same directory (so the rename stays on one file system), then a rename.
// The permission bits and owner of the file being replaced are kept: this file may hold stored logins.
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HelperError } from './errors';
import { makeDirectory } from './make-directory';
import { hostOs } from './host-os';

export class WriteError extends HelperError {
  override name = 'WriteError';
  constructor(
    readonly path: string,
    readonly code: string,
  ) {
    super(`cannot write ${path}: ${reasonFor(code)}; nothing was changed`);
  }
}

function reasonFor(code: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code}): the file or its directory is read-only or immutable, or belongs to another user`;
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'ENOTDIR':
    case 'EEXIST':
      return `a directory in this path is a file (${code})`;
    case 'ENOENT':
      return 'its directory cannot be created (ENOENT)';
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left (${code})`;
    default:
      return code;
  }
}

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';

export interface Keep {
  /** Permission bits; a new file gets 0600. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** false: no fsync (a file whose loss in a power cut costs nothing, like a hit's memo); still atomic. */
  durable?: boolean;
}

/**
 * Fails early, before anything is created, when the file or its directory cannot be written. Checked up front
 * because root passes permission bits: only this (or the rename itself) notices an immutable or read-only file.
 */
export function assertWritable(target: string, exists: boolean): void {
  try {
    if (exists) accessSync(target, constants.W_OK);
    accessSync(dirname(target), constants.W_OK);
  } catch (error) {
    const code = errorCode(error);
    // A missing directory is created by writeFileAtomically; anything else is final.
    if (!(code === 'ENOENT' && !exists)) throw new WriteError(target, code);
  }
}

/** Writes `text` to `target` atomically; creates missing directories with mode 0700. Throws WriteError. */
export function writeFileAtomically(target: string, text: string, keep: Keep = {}): void {
  const dir = dirname(target);
  try {
    makeDirectory(dir);
  } catch (error) {
    throw new WriteError(target, errorCode(error));
  }
  assertWritable(target, keep.mode !== undefined);
  // node:crypto only here, on a write: the token cache uses this too, and a cache hit must not load it.
  const { randomBytes } = require('node:crypto') as typeof import('node:crypto');
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o600);
    writeSync(fd, text);
    // Explicitly, since the mode given to open is filtered through the umask.
    fchmodSync(fd, keep.mode ?? 0o600);
    // Root editing someone's file (sudo) must not leave it owned by root.
    if (
      keep.uid !== undefined &&
      keep.gid !== undefined &&
      process.getuid?.() === 0 &&
      (keep.uid !== 0 || keep.gid !== 0)
    )
      fchownSync(fd, keep.uid, keep.gid);
    if (keep.durable !== false) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    hostOs.replaceFile(temp, target);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // The write already failed; that error is the one to report.
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // Never created, or already renamed.
    }
    throw error instanceof WriteError ? error : new WriteError(target, errorCode(error));
  }
  if (keep.durable === false) return;
  try {
    // Makes the rename itself durable; not every file system lets a directory be opened for this.
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // The data is written and renamed; only durability across a power cut is less certain.
  }
}
