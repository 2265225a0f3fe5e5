// Tokens on disk: one file per cache key, written atomically, readable only by the owner. Every failure here
// degrades to "no cache" with a warning: a broken cache must never break a pull.
import { readdirSync, statSync, chmodSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../platform/log';
import type { ErrorCategory } from '../platform/errors';
import { isEntry, type CacheEntry } from './entry';
import type { CacheKey } from './key';

export type { CacheEntry } from './entry';
import { makeDirectory } from '../platform/make-directory';
import { writeFileAtomically, WriteError } from '../platform/atomic-write';
import { readRegularText } from '../platform/read-file';
import { hostOs, posixPermissions } from '../platform/host-os';

/**
 * A failed fetch, kept a few seconds so that a crowd waiting on the lock holder fails with the holder's message
 * instead of each retrying against a throttled or hanging API. Never holds a secret.
 */
export interface FailureEntry {
  version: 1;
  key: string;
  summary: string;
  hint: string;
  category: ErrorCategory;
  failedAt: number;
  pid: number;
  /** The registry host the failure was for: its message names it. */
  host: string;
  /** A digest of what else shaped the request (proxy, CA bundle, timeout): shared only with callers alike. */
  context: string;
}

function isFailure(value: unknown): value is FailureEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    typeof v.key === 'string' &&
    typeof v.summary === 'string' &&
    typeof v.hint === 'string' &&
    typeof v.category === 'string' &&
    typeof v.failedAt === 'number' &&
    typeof v.pid === 'number' &&
    typeof v.host === 'string' &&
    typeof v.context === 'string'
  );
}

/** A cache entry is a few hundred bytes; anything much larger is not ours. */
const MAX_ENTRY_BYTES = 64 * 1024;
const STALE_TEMP_MS = 60_000;
const STALE_MEMO_MS = 24 * 60 * 60_000;

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';

export class TokenStore {
  private constructor(
    readonly dir: string,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /**
   * The store in `dir`, created 0700 if missing; undefined (with one warning) when the directory cannot be made
   * safe: not creatable, owned by another user, or writable by group or others (someone could plant a token).
   */
  static open(
    dir: string,
    log: Logger,
    now: () => number,
    uid: number | undefined = process.getuid?.(),
  ): TokenStore | undefined {
    try {
      makeDirectory(dir);
      const stat = statSync(dir);
      if (!stat.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      const osProblem = hostOs.cacheDirProblem(dir); // Windows: no modes to check (platform/windows.ts)
      if (osProblem) return void log.warn(`cache directory ${dir} ${osProblem}; not using the cache`);
      if (!posixPermissions) return new TokenStore(dir, log, now);
      if (uid !== undefined && stat.uid !== uid) {
        log.warn(`cache directory ${dir} belongs to another user (uid ${stat.uid}); not using the cache`);
        return undefined;
      }
      if ((stat.mode & 0o022) !== 0) {
        log.warn(
          `cache directory ${dir} is writable by group or others (mode ${(stat.mode & 0o777).toString(8)}); not using the cache`,
        );
        return undefined;
      }
      if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
      return new TokenStore(dir, log, now);
    } catch (error) {
      log.warn(`cannot use cache directory ${dir} (${errorCode(error)}); continuing without a cache`);
      return undefined;
    }
  }

  private path(key: CacheKey): string {
    return join(this.dir, `${key.id}.json`);
  }

  lockPath(key: CacheKey): string {
    return join(this.dir, `${key.id}.lock`);
  }

  /** The entry for key, or undefined when absent, unreadable or corrupt (a corrupt one is removed). */
  read(key: CacheKey): CacheEntry | undefined {
    return this.readFile(this.path(key), isEntry);
  }

  private failurePath(key: CacheKey): string {
    return join(this.dir, `${key.id}.failed`);
  }

  /** The last failed fetch for key, if one is recorded. */
  readFailure(key: CacheKey): FailureEntry | undefined {
    return this.readFile(this.failurePath(key), isFailure);
  }

  /** Records a failed fetch for the processes waiting on the lock; best effort, like every cache write. */
  writeFailure(key: CacheKey, failure: FailureEntry): void {
    try {
      writeFileAtomically(this.failurePath(key), JSON.stringify(failure));
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
    }
  }

  clearFailure(key: CacheKey): void {
    this.discard(this.failurePath(key));
  }

  private readFile<T>(path: string, valid: (value: unknown) => value is T): T | undefined {
    let text: string;
    try {
      // Never follows a link and never blocks: an entry swapped for a FIFO or a link to /dev/zero is a miss.
      text = readRegularText(path, { maxBytes: MAX_ENTRY_BYTES, followSymlinks: false });
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') {
        this.log.debug(`cache entry ${path} unreadable (${errorCode(error)}); ignoring it`);
        this.discard(path);
      }
      return undefined;
    }
    try {
      const value: unknown = JSON.parse(text);
      if (valid(value)) return value;
    } catch {
      // fall through: corrupt
    }
    this.log.debug(`cache entry ${path} is corrupt; discarding it`);
    this.discard(path);
    return undefined;
  }

  private discard(path: string): void {
    try {
      unlinkSync(path);
    } catch {
      // Already gone, or not ours to remove: the next write replaces it anyway.
    }
  }

  /** Atomic: a reader sees the old file or the new one, never a half-written one. Returns false on failure. */
  write(key: CacheKey, entry: CacheEntry): boolean {
    try {
      writeFileAtomically(this.path(key), JSON.stringify(entry));
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
      this.log.warn(`cannot write the token cache in ${this.dir} (${error.code}); the token was not cached`);
      return false;
    }
    this.sweepTemporaries();
    return true;
  }

  /** Removes temporary files left by processes killed mid-write. */
  private sweepTemporaries(): void {
    try {
      for (const name of readdirSync(this.dir)) {
        // Temporaries of killed writers, failures long past sharing (a failure is shared for seconds), and memos
        // of hits no run has renewed for a day (a memo is written again with every new token, every 12 hours).
        const maxAge = name.endsWith('.hit')
          ? STALE_MEMO_MS
          : name.endsWith('.tmp') || name.endsWith('.failed')
            ? STALE_TEMP_MS
            : undefined;
        if (maxAge === undefined) continue;
        const path = join(this.dir, name);
        try {
          if (this.now() - statSync(path).mtimeMs > maxAge) unlinkSync(path);
        } catch {
          // Another process removed or renamed it first.
        }
      }
    } catch {
      // Listing failed: leftovers are harmless, they are never read.
    }
  }

  remove(key: CacheKey): void {
    this.discard(this.path(key));
    this.clearFailure(key);
  }

  /** Every readable entry, with the file's key id. */
  entries(): Array<{ id: string; entry: CacheEntry }> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((name) => /^[0-9a-f]{32}\.json$/.test(name))
      .flatMap((name) => {
        const entry = this.readFile(join(this.dir, name), isEntry);
        return entry ? [{ id: name.slice(0, -'.json'.length), entry }] : [];
      });
  }

  removeById(id: string): void {
    this.discard(join(this.dir, `${id}.json`));
  }

  /** Every hit's memo (each holds a copy of its token): after an erase, no hit may serve what was forgotten. */
  removeMemos(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) if (name.endsWith('.hit')) this.discard(join(this.dir, name));
  }
}
