// Temporary directories that vanish after the test file.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export function tempDir(prefix = 'dce-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A temporary directory with a short path of lowercase letters and digits under /tmp, whatever TMPDIR says, for
 * tools that limit a path's length or letters: podman's --runroot (50 characters), a unix socket (107 bytes),
 * podman's name for an image pulled from oci:<dir> (the whole path, lowercase only).
 */
export function shortTempDir(prefix = 'dce-'): string {
  const dir = makeShortDir(prefix);
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** shortTempDir for a caller that removes it itself (inside before(), an after() would run when before() ends). */
export function makeShortDir(prefix: string): string {
  const dir = join('/tmp', `${prefix}${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}
