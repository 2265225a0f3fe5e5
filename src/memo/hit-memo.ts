// The memo of a cache hit: which token a request gets is decided from the request, the environment and a few files
// (routing, the helper's config file, the AWS shared config, a web-identity token's claims). That decision is a
// function of exactly those inputs, so once made it is written down next to the tokens, under a name derived from
// every input that is not a file (fast-hit.ts: argv, stdin, the whole environment, the process's ids and groups,
// the build), with a fingerprint of every file it read and the token it served. A later run with the same inputs
// and unchanged files may serve that token, while fresh, without making the decision again and without loading the
// code that makes it. Anything the memo cannot vouch for (a file that changed or appeared, a warning said, a read
// that failed) means no memo, and the whole path runs as before.
//
// This file is what the hit reads (fast-hit.ts): the format and its check, nothing that is a class or a pattern, since
// what the hit's first chunk holds is evaluated on every run. The full path's recorder is recorder.ts.
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
    areFingerprints(v.files) &&
    isAnswer(v.answer) &&
    (v.notAfter === undefined || typeof v.notAfter === 'number')
  );
}

/** A list of FileFingerprint (a loop, not Array.prototype.every: a hit runs this, see fast-hit.ts). */
function areFingerprints(value: unknown): value is FileFingerprint[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const f = value[i] as Partial<FileFingerprint> | null;
    if (typeof f !== 'object' || f === null || !isString(f.path)) return false;
    if (!(f.fingerprint === null || isString(f.fingerprint))) return false;
    const under = f.absentUnder as Partial<{ path: unknown; fingerprint: unknown }> | null | undefined;
    if (under === undefined) continue;
    // Only an absent file has an ancestor that vouches for it.
    if (f.fingerprint !== null || typeof under !== 'object' || under === null) return false;
    if (!isString(under.path) || !isString(under.fingerprint)) return false;
  }
  return true;
}
