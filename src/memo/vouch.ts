// Whether a memo vouches for an answer now (hit-memo.ts says what a memo is): the cache directory the caller's own,
// the memo well-formed and for this directory and this kind of answer, its entry and every file the decision read as
// they were, the token fresh. Read with the runtime's own calls (runtime-files.ts).
import { freshness } from '../cache/policy';
import { sameAsRecorded } from '../platform/file-fingerprint';
import { isHitMemo, memoFileName, type HitMemo } from './hit-memo';
import { readOwnJson, statOrWhy, type BunApi, type StatOrWhy } from './runtime-files';

/** A cache directory no one else can write to, as the full path requires (TokenStore.open). */
export const isOurs = (dir: StatOrWhy, uid: number | undefined): boolean =>
  typeof dir === 'object' && dir !== null && dir.isDirectory() && dir.uid === uid && (dir.mode & 0o022) === 0;

/**
 * The memo named `digest` in `cacheDir`, when it vouches for a `kind` answer at `at` (epoch ms, taken after the
 * stats); undefined otherwise. `directoryIsOurs`: the directory's check, made beside the first reads.
 */
export async function vouchedMemo(
  bun: BunApi,
  digest: string,
  cacheDir: string,
  directoryIsOurs: boolean,
  kind: 'docker' | 'kubelet',
  now: () => number,
): Promise<{ memo: HitMemo; at: number } | undefined> {
  // Nothing in the directory is touched before it is known to be the caller's own, writable by no one else.
  if (!directoryIsOurs) return undefined;
  const memo = await readOwnJson(bun, `${cacheDir}/${memoFileName(digest)}`);
  if (!isHitMemo(memo) || memo.cacheDir !== cacheDir || memo.answer.kind !== kind) return undefined;
  // All at once (one round trip), collected in order.
  const entryStat = statOrWhy(bun, `${cacheDir}/${memo.keyId}.json`);
  // An absent file with an ancestor that vouches for it: that directory's stat, once for all the files under it.
  const fileStats: Promise<StatOrWhy>[] = [];
  const byPath = new Map<string, Promise<StatOrWhy>>();
  for (let i = 0; i < memo.files.length; i++) {
    const path = memo.files[i].absentUnder?.path ?? memo.files[i].path;
    let stat = byPath.get(path);
    if (stat === undefined) byPath.set(path, (stat = statOrWhy(bun, path)));
    fileStats.push(stat);
  }
  const entry = await entryStat;
  const files: StatOrWhy[] = [];
  for (let i = 0; i < fileStats.length; i++) files.push(await fileStats[i]);
  // As recorded: a file (the same one, unchanged) or absent (null); a file that could not be statted matches neither.
  const same = (stat: StatOrWhy | undefined, recorded: string | null): boolean =>
    stat === null || recorded === null ? stat === recorded : typeof stat === 'object' && sameAsRecorded(stat, recorded);
  // The entry is the file the token was read from, unchanged (a refresh, an erase, a corrupt or replaced entry:
  // the full path deals with it); every file the decision read is as it was then (the same file, unchanged), or
  // still absent (itself, or the directory that vouches for it unchanged: FileFingerprint.absentUnder).
  if (!same(entry, memo.entry)) return undefined;
  for (let i = 0; i < files.length; i++) {
    const under = memo.files[i].absentUnder;
    if (!same(files[i], under === undefined ? memo.files[i].fingerprint : under.fingerprint)) return undefined;
  }
  const at = now();
  if (freshness(memo.token, at) !== 'fresh' || (memo.notAfter !== undefined && !(at < memo.notAfter))) return undefined;
  return { memo, at };
}
