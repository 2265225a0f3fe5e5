// The request context: what every command and the token service are handed by the CLI (cli.ts), instead of
// reaching for the process. Settings and environment as read once, the log, the clock, a sleep, and the hit
// memo's recorder when this run may keep one.
import type { FetchedToken } from '../aws/token';
import type { HitMemoRecorder } from '../memo/recorder';
import type { Logger } from '../platform/log';
import type { Env, Settings } from '../platform/settings';
import type { TokenRequest } from '../registry/routing';

/**
 * One call to AWS for a token: the SDK's (tokens/service.ts) unless a test hands in its own. Rejects with the
 * SDK's or our own errors; the service explains them. `budgetMs` bounds the call, `onPromptStart` is called when
 * it starts waiting for a person (an MFA code).
 */
export type TokenFetcher = (
  request: TokenRequest,
  endpoint: string | undefined,
  deps: RequestContext,
  budgetMs: number,
  onPromptStart: () => void,
) => Promise<FetchedToken>;

export interface RequestContext {
  settings: Settings;
  env: Env;
  log: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Told which key served a fresh token, for the memo of this hit (memo/hit-memo.ts); absent when none is kept. */
  hitMemo?: HitMemoRecorder;
  /** How a token is fetched when the cache cannot serve one; the SDK's when absent. */
  fetchToken?: TokenFetcher;
}
