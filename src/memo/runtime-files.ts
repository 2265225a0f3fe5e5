// Files as a cache hit reads them (fast-hit.ts, memo/vouch.ts): with the runtime's own calls, never node:fs (loading
// it costs a hit more than the rest of it together, docs/performance.md). A stat that fails is an answer, never a
// throw; a JSON file is read only after a stat said it may be.
import type { FingerprintFields } from '../platform/file-fingerprint';

/** The part of Bun's API a hit uses (the project does not depend on Bun's type package). */
export interface Stats extends FingerprintFields {
  uid: number;
  isFile(): boolean;
  isDirectory(): boolean;
}
export interface Readable {
  /**
   * A synchronous stat through any link (no open): st_size of a regular file or a directory, Infinity for anything
   * else (a FIFO, a device, a socket), 0 when there is nothing to stat (Bun 1.4.5).
   */
  readonly size: number;
  /** A stat through any link (the runtime's statx without AT_SYMLINK_NOFOLLOW; fstat for stdin). */
  stat(): Promise<Stats>;
  /** Reads at most `end` bytes, opening a file O_RDONLY | O_NONBLOCK. */
  slice(begin: number, end: number): { bytes(): Promise<Uint8Array> };
}
export interface BunApi {
  stdin: Readable;
  file(path: string): Readable;
  /** SHA-512/256 of the text's UTF-8 bytes, in one call. */
  sha(text: string, encoding: 'hex'): string;
}

/** The runtime's API, under the compiled executable only (undefined under Node: tests, the npm package). */
export const runtimeApi = (): BunApi | undefined => (globalThis as { Bun?: BunApi }).Bun;

const errorCode = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;

// A BOM stays, so that JSON.parse refuses it as the full path's reader does. Made when first used, not when this chunk
// loads: `version` loads it too.
let utf8: TextDecoder | undefined;

/**
 * A JSON file in the caller's own directory (checked before): 1 byte to MAX_FILE_BYTES by a stat through any link
 * (a regular file or a directory: the runtime's size of anything else is Infinity), then opened without blocking and
 * read bounded (a directory: EISDIR). A FIFO, a device or /dev/zero behind the name is never opened; one swapped in
 * after the stat reads as nothing or too much. undefined: not one.
 */
export async function readOwnJson(bun: BunApi, path: string): Promise<unknown> {
  // A synchronous stat, no round trip to the file pool: a FIFO, a device or a socket is Infinity and never opened. A
  // directory has a size and is opened, which reads nothing (EISDIR) and changes nothing.
  const size = bun.file(path).size;
  if (!(size > 0 && size <= MAX_FILE_BYTES)) return undefined;
  try {
    // One byte past the bound, never more: a file grown past it since the stat is refused, not truncated.
    const bytes = await bun
      .file(path)
      .slice(0, MAX_FILE_BYTES + 1)
      .bytes();
    return bytes.length > MAX_FILE_BYTES
      ? undefined
      : JSON.parse((utf8 ??= new TextDecoder('utf-8', { ignoreBOM: true })).decode(bytes));
  } catch {
    return undefined;
  }
}

/** As the cache's own reader (cache/store.ts): a memo is a few hundred bytes. */
const MAX_FILE_BYTES = 64 * 1024;

export type StatOrWhy = Stats | null | 'unreadable';

/**
 * A file's stat through any link; null when it does not exist (ENOENT only); 'unreadable' for any other failure. Never
 * rejects. The failure is handled as a rejection, not caught as a throw: an absent file is the common case, and the
 * engine's unwinding of a throw costs a hit 0.25 MiB of peak memory (docs/performance.md).
 */
export const statOrWhy = (bun: BunApi, path: string): Promise<StatOrWhy> =>
  bun
    .file(path)
    .stat()
    .catch((error: unknown) => (errorCode(error) === 'ENOENT' ? null : 'unreadable'));
