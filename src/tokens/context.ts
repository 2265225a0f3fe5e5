// The request context: what every command and the token service are handed by the CLI (cli.ts), instead of
// reaching for the process. Settings and environment as read once, the log, the clock, a sleep, and the hit
// memo's recorder when this run may keep one.
import type { HitMemoRecorder } from '../memo/hit-memo';
import type { Logger } from '../platform/log';
import type { Env, Settings } from '../platform/settings';

export interface RequestContext {
  settings: Settings;
  env: Env;
  log: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Told which key served a fresh token, for the memo of this hit (memo/hit-memo.ts); absent when none is kept. */
  hitMemo?: HitMemoRecorder;
}
