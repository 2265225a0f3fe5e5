// What a file looked like when it was read, for the memo of a cache hit (memo/hit-memo.ts): a later run that
// finds every file the same may reuse the decision made from them. Apart from read-file.ts, which records them,
// because fast-hit.ts compares them without loading read-file.ts (or anything else the full path needs).

export interface FileFingerprint {
  path: string;
  /** fingerprintOf() of what was opened (a followed link's target), or null when the file did not exist. */
  fingerprint: string | null;
  /**
   * For a file that did not exist: its nearest ancestor that did (a directory, by a stat through any link), as it
   * was before the path's next name was found absent in it (no entry of any kind, not even a dangling link). While
   * that directory is unchanged (no entry added, removed or renamed in it, and the same directory), the file is still
   * absent: one stat that finds a directory, instead of one that fails, for each absent file under it.
   */
  absentUnder?: { path: string; fingerprint: string };
}

/** What a fingerprint is made of: the same file (device, inode), unchanged (size, both times, type and mode). */
export interface FingerprintFields {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  mode: number;
}

/** The same file (device, inode), unchanged (size, modification and change times, type and mode). */
export const fingerprintOf = (stat: FingerprintFields): string =>
  `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.mode}`;

/**
 * Whether `stat` is the file `recorded` (a fingerprintOf() string) describes: the same as
 * `fingerprintOf(stat) === recorded` for every string fingerprintOf() makes (a number's shortest text reads back as
 * that number), without writing any number as text. The hit compares this way: writing the times' fractions as text
 * cost it 0.1 M instructions and 29 page faults (the runtime's number printer paged in), reading them 0.05 M.
 */
export function sameAsRecorded(stat: FingerprintFields, recorded: string): boolean {
  const fields = recorded.split(':');
  return (
    fields.length === 6 &&
    Number(fields[0]) === stat.dev &&
    Number(fields[1]) === stat.ino &&
    Number(fields[2]) === stat.size &&
    Number(fields[3]) === stat.mtimeMs &&
    Number(fields[4]) === stat.ctimeMs &&
    Number(fields[5]) === stat.mode
  );
}
