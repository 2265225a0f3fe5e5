// The recorder of a hit memo (hit-memo.ts says what a memo is): the full path fills it during one run and writes
// the memo it vouches for (cli.ts).
import type { Token } from '../cache/policy';
import type { FileFingerprint } from '../platform/file-fingerprint';
import type { HitAnswer, HitMemo } from './hit-memo';

const STORE_FILE = /^[0-9a-f]{32}\.(?:json|lock|failed)$/;
// A tick of the coarsest file-system clock a file may have (FAT: 2 s): see memo() below.
const RECENT_MS = 2_000;

/** Whether a fingerprint's modification or change time is within `ms` of `now` (or after it). */
function changedWithin(fingerprint: string, now: number, ms: number): boolean {
  const [, , , mtimeMs, ctimeMs] = fingerprint.split(':').map(Number);
  return !(now - mtimeMs >= ms && now - ctimeMs >= ms);
}

/**
 * Collects, during one run of the full path, what a memo needs: the key served (tokens/service.ts), the answer's
 * shape (docker/backend.ts, kubelet/provider.ts), and whether anything happened that a memo would hide (a warning).
 */
export class HitMemoRecorder {
  private servedToken: { keyId: string; host: string; token: Token } | undefined;
  private answer: HitAnswer | undefined;
  private spoiled = false;
  private until: number | undefined;

  /** The decision holds only until `ms` (epoch): a run from the memo after it takes the full path. */
  notAfter(ms: number): void {
    this.until = Math.min(this.until ?? ms, ms);
  }

  /**
   * `token`, fresh, read from the entry of the cache key `keyId`, for `host`. A second token in one run: no memo.
   * (A token this run fetched is not: the memo pins the entry as read, and the next hit reads it.)
   */
  served(keyId: string, host: string, token: Token): void {
    if (this.servedToken !== undefined) this.spoiled = true;
    this.servedToken = {
      keyId,
      host,
      token: {
        username: token.username,
        password: token.password,
        expiresAt: token.expiresAt,
        fetchedAt: token.fetchedAt,
      },
    };
  }

  answered(answer: HitAnswer): void {
    if (this.answer !== undefined) this.spoiled = true;
    this.answer = answer;
  }

  /** Something was said (a warning, an error) that a run from the memo would not say. */
  spoil(): void {
    this.spoiled = true;
  }

  /**
   * The memo, or undefined when this run cannot vouch for one. `now`: a file changed within RECENT_MS of it is not
   * vouched for, since a same-size rewrite within one tick of a coarse file-system clock (Linux before 6.13 ticks in
   * 4 ms steps, FAT in 2 s) would keep its fingerprint.
   */
  memo(cacheDir: string, journal: { reads: FileFingerprint[]; unreadable: boolean }, now: number): HitMemo | undefined {
    const served = this.servedToken;
    if (this.spoiled || journal.unreadable || served === undefined || this.answer === undefined) return undefined;
    const inside = cacheDir.endsWith('/') ? cacheDir : `${cacheDir}/`;
    // The entry as last read: the token served came from that read.
    const entry = journal.reads.filter((read) => read.path === `${inside}${served.keyId}.json`).at(-1)?.fingerprint;
    if (!entry) return undefined;
    const files = new Map<string, FileFingerprint>();
    for (const read of journal.reads) {
      // The store's own files (entries, locks, failures) are not inputs: the quick path reads the entry itself.
      if (read.path.startsWith(inside) && STORE_FILE.test(read.path.slice(inside.length))) continue;
      // Read twice and different in between: the decision may have seen either.
      const before = files.get(read.path);
      if (before !== undefined && before.fingerprint !== read.fingerprint) return undefined;
      if (read.fingerprint !== null && changedWithin(read.fingerprint, now, RECENT_MS)) return undefined;
      // An ancestor that vouches for an absence is checked as a file is (a changed one: the file itself is checked).
      const under = read.absentUnder;
      const vouched = under !== undefined && !changedWithin(under.fingerprint, now, RECENT_MS);
      const kept: FileFingerprint = vouched
        ? { path: read.path, fingerprint: null, absentUnder: under }
        : { path: read.path, fingerprint: read.fingerprint };
      // Absent twice under different records of the ancestor: the file itself is checked.
      if (before !== undefined && before.absentUnder?.fingerprint !== kept.absentUnder?.fingerprint)
        files.set(read.path, { path: read.path, fingerprint: read.fingerprint });
      else if (before === undefined) files.set(read.path, kept);
    }
    return {
      version: 1,
      keyId: served.keyId,
      host: served.host,
      token: served.token,
      entry,
      cacheDir,
      files: [...files.values()],
      answer: this.answer,
      ...(this.until !== undefined ? { notAfter: this.until } : {}),
    };
  }
}
