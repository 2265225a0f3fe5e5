// The memo of a cache hit: which token a request gets is decided from the request, the environment and a few files
// (routing, the helper's config file, the AWS shared config, a web-identity token's claims). That decision is a
// function of exactly those inputs, so once made it is written down next to the tokens, under a name derived from
// every input that is not a file (fast-hit.ts: argv, stdin, the whole environment, the process's ids and groups,
// the build), with a fingerprint of every file it read and the token it served. A later run with the same inputs
// and unchanged files may serve that token, while fresh, without making the decision again and without loading the
// code that makes it. Anything the memo cannot vouch for (a file that changed or appeared, a warning said, a read
// that failed) means no memo, and the whole path runs as before.
import { isToken, type Token } from '../cache/policy';
import type { FileFingerprint } from '../platform/file-fingerprint';

/** How the answer is written: what `get` or the kubelet mode wrote, minus the token, which comes from the cache. */
export type HitAnswer =
  { kind: 'docker'; serverUrl: string } | { kind: 'kubelet'; apiVersion: string; authKey: string };

export interface HitMemo {
  version: 1;
  /** The cache key the decision named. */
  keyId: string;
  /** The host the token served. */
  host: string;
  /** The token the key's entry held when read (a copy, in the same private directory): served while fresh... */
  token: Token;
  /** ...and while the entry is that same file, unchanged (a refresh, an erase or any rewrite replaces it). */
  entry: string;
  /** The cache directory the decision used: the memo is only valid there. */
  cacheDir: string;
  /** Every file the decision read, as it was when read (null: absent). */
  files: FileFingerprint[];
  answer: HitAnswer;
  /** Epoch ms after which the decision no longer holds (a kubelet service-account token's own exp). */
  notAfter?: number;
}

/**
 * Environment variables left out of the memo's name. Set by shells (and changed by `cd`), or by hyperfine with a
 * random length on every run to vary the stack's alignment; a name in the digest that changes on every run would make
 * every run take the full path and write a memo of its own. A decision that reads one of them (a credential_process
 * command line that expands $PWD) or the working directory is never memoised (inputsOutsideMemo).
 */
export const NOT_INPUTS: ReadonlySet<string> = new Set([
  '_',
  'PWD',
  'OLDPWD',
  'SHLVL',
  'HYPERFINE_RANDOMIZED_ENVIRONMENT_OFFSET',
]);

/** Whether a decision depended on something the memo's name does not cover. */
export const inputsOutsideMemo = (
  inputs: { variables: readonly string[]; workingDirectory: boolean } | undefined,
): boolean =>
  inputs !== undefined && (inputs.workingDirectory || inputs.variables.some((name) => NOT_INPUTS.has(name)));

const STORE_FILE = /^[0-9a-f]{32}\.(?:json|lock|failed)$/;
const RECENT_MS = 1_000;

/** Whether a fingerprint's modification or change time is within `ms` of `now` (or after it). */
function changedWithin(fingerprint: string, now: number, ms: number): boolean {
  const [, , , mtimeMs, ctimeMs] = fingerprint.split(':').map(Number);
  return !(now - mtimeMs >= ms && now - ctimeMs >= ms);
}

/** A memo's file name in the cache directory, from its input digest (64 hex digits). */
export const memoFileName = (inputDigest: string): string => `${inputDigest}.hit`;

const isString = (v: unknown): v is string => typeof v === 'string';

/** 32 lowercase hex digits, as the cache names its entries (checked without a regular expression: a hit runs this). */
function isKeyId(text: string): boolean {
  if (text.length !== 32) return false;
  for (let i = 0; i < 32; i++) {
    const code = text.charCodeAt(i);
    if (!((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66))) return false;
  }
  return true;
}

function isAnswer(value: unknown): value is HitAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.kind === 'docker' && isString(v.serverUrl)) ||
    (v.kind === 'kubelet' && isString(v.apiVersion) && isString(v.authKey))
  );
}

export function isHitMemo(value: unknown): value is HitMemo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    isString(v.keyId) &&
    isKeyId(v.keyId) &&
    isString(v.host) &&
    isToken(v.token) &&
    isString(v.entry) &&
    isString(v.cacheDir) &&
    Array.isArray(v.files) &&
    v.files.every(
      (f: unknown) =>
        typeof f === 'object' &&
        f !== null &&
        isString((f as FileFingerprint).path) &&
        ((f as FileFingerprint).fingerprint === null || isString((f as FileFingerprint).fingerprint)),
    ) &&
    isAnswer(v.answer) &&
    (v.notAfter === undefined || typeof v.notAfter === 'number')
  );
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
    const files = new Map<string, string | null>();
    for (const read of journal.reads) {
      // The store's own files (entries, locks, failures) are not inputs: the quick path reads the entry itself.
      if (read.path.startsWith(inside) && STORE_FILE.test(read.path.slice(inside.length))) continue;
      // Read twice and different in between: the decision may have seen either.
      if (files.has(read.path) && files.get(read.path) !== read.fingerprint) return undefined;
      if (read.fingerprint !== null && changedWithin(read.fingerprint, now, RECENT_MS)) return undefined;
      files.set(read.path, read.fingerprint);
    }
    return {
      version: 1,
      keyId: served.keyId,
      host: served.host,
      token: served.token,
      entry,
      cacheDir,
      files: [...files].map(([path, fingerprint]) => ({ path, fingerprint })),
      answer: this.answer,
      ...(this.until !== undefined ? { notAfter: this.until } : {}),
    };
  }
}
