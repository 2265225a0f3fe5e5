// What a file looked like when it was read, for the memo of a cache hit (memo/hit-memo.ts): a later run that
// finds every file the same may reuse the decision made from them. Apart from read-file.ts, which records them,
// because fast-hit.ts compares them without loading read-file.ts (or anything else the full path needs).

export interface FileFingerprint {
  path: string;
  /** fingerprintOf() of what was opened (a followed link's target), or null when the file did not exist. */
  fingerprint: string | null;
}

/** The same file (device, inode), unchanged (size, modification and change times, type and mode). */
export const fingerprintOf = (stat: { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number; mode: number }): string =>
  `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.mode}`;
