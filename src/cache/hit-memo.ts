// The memo of a cache hit: which token a request gets is decided from the request, the environment and a few files
// (routing, the helper's config file, the AWS shared config, a web-identity token's claims). That decision is a
// function of exactly those inputs, so once made it is written down next to the tokens, under a name derived from
// every input that is not a file (fast-hit.ts: argv, stdin, the whole environment, uid, the executable), with a
// fingerprint of every file it read. A later run with the same inputs and unchanged files may serve the token the
// decision named without making it again, and without loading the code that makes it: that is most of what a hit
// cost. Anything the memo cannot vouch for (a file that changed or appeared, a warning said, a read that failed)
// means no memo, and the whole path runs as before.
import type { FileFingerprint } from '../platform/file-fingerprint';

/** How the answer is written: what `get` or the kubelet mode wrote, minus the token, which comes from the cache. */
export type HitAnswer = { kind: 'docker'; serverUrl: string } | { kind: 'kubelet'; apiVersion: string; authKey: string };

export interface HitMemo {
  version: 1;
  /** The cache key the decision named; its entry holds the token. */
  keyId: string;
  /** The host the token served, which the entry must list (else the full path records it, for `list`). */
  host: string;
  /** The cache directory the decision used: the memo is only valid there. */
  cacheDir: string;
  /** Every file the decision read, as it was when read (null: absent). */
  files: FileFingerprint[];
  answer: HitAnswer;
}

const STORE_FILE = /^[0-9a-f]{32}\.(?:json|lock|failed)$/;

/** A memo's file name in the cache directory, from its input digest (64 hex digits). */
export const memoFileName = (inputDigest: string): string => `${inputDigest}.hit`;

const isString = (v: unknown): v is string => typeof v === 'string';

function isAnswer(value: unknown): value is HitAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (v.kind === 'docker' && isString(v.serverUrl)) || (v.kind === 'kubelet' && isString(v.apiVersion) && isString(v.authKey));
}

export function isHitMemo(value: unknown): value is HitMemo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    isString(v.keyId) &&
    /^[0-9a-f]{32}$/.test(v.keyId) &&
    isString(v.host) &&
    isString(v.cacheDir) &&
    Array.isArray(v.files) &&
    v.files.every((f: unknown) => typeof f === 'object' && f !== null && isString((f as FileFingerprint).path) && ((f as FileFingerprint).fingerprint === null || isString((f as FileFingerprint).fingerprint))) &&
    isAnswer(v.answer)
  );
}

/**
 * Collects, during one run of the full path, what a memo needs: the key served (tokens/service.ts), the answer's
 * shape (docker/backend.ts, kubelet/provider.ts), and whether anything happened that a memo would hide (a warning).
 */
export class HitMemoRecorder {
  private keyId: string | undefined;
  private host: string | undefined;
  private answer: HitAnswer | undefined;
  private spoiled = false;

  /** The token for `host` came from the cache key `keyId`, fresh. A second token in one run: no memo. */
  served(keyId: string, host: string): void {
    if (this.keyId !== undefined) this.spoiled = true;
    this.keyId = keyId;
    this.host = host;
  }

  answered(answer: HitAnswer): void {
    if (this.answer !== undefined) this.spoiled = true;
    this.answer = answer;
  }

  /** Something was said (a warning, an error) that a run from the memo would not say. */
  spoil(): void {
    this.spoiled = true;
  }

  /** The memo, or undefined when this run cannot vouch for one. */
  memo(cacheDir: string, journal: { reads: FileFingerprint[]; unreadable: boolean }): HitMemo | undefined {
    if (this.spoiled || journal.unreadable || this.keyId === undefined || this.host === undefined || this.answer === undefined) return undefined;
    const inside = cacheDir.endsWith('/') ? cacheDir : `${cacheDir}/`;
    const files = new Map<string, string | null>();
    for (const read of journal.reads) {
      // The store's own files (entries, locks, failures) are not inputs: the quick path reads the entry itself.
      if (read.path.startsWith(inside) && STORE_FILE.test(read.path.slice(inside.length))) continue;
      // Read twice and different in between: the decision may have seen either.
      if (files.has(read.path) && files.get(read.path) !== read.fingerprint) return undefined;
      files.set(read.path, read.fingerprint);
    }
    return {
      version: 1,
      keyId: this.keyId,
      host: this.host,
      cacheDir,
      files: [...files].map(([path, fingerprint]) => ({ path, fingerprint })),
      answer: this.answer,
    };
  }
}
