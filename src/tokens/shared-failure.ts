// The failure a lock holder records, shared with the processes that waited for it and, for a few seconds, with
// newcomers, so that a crowd against a throttled or hanging API makes one set of attempts, not one per process.
import type { ErrorCategory } from '../platform/errors';
import type { FailureEntry } from '../cache/store';
import { PROXY_VARIABLES } from '../platform/settings';
import { sha256Hex } from '../platform/sha256';
import type { RequestContext } from './context';

/**
 * A failure recorded by the process that held the lock is shared with everyone who was waiting for it (they
 * started before it failed) and, for a few seconds, with newcomers: a crowd against a throttled or hanging API
 * then makes the holder's own attempts, not one set per process. Failures that depend on the process itself
 * (its terminal, its own settings) are never shared.
 */
export const SHARED_FAILURE_MS = 5_000;
/**
 * The fetch ends this much before the request's budget, so that the holder's failure is recorded before the budgets
 * of a crowd that started with it run out: they then fail with its message, not with one of their own.
 */
export const reportMarginMs = (timeoutMs: number): number => Math.min(300, timeoutMs / 10);
export const PER_PROCESS_FAILURES: ReadonlySet<ErrorCategory> = new Set([
  'mfa-required',
  'profile-not-found',
  'config',
  'unknown',
]);

/**
 * What else shapes a fetch besides the cache key: a caller who has just fixed the proxy or the CA bundle that the
 * failure named must not be handed that failure.
 */
export function requestContext(deps: RequestContext): string {
  const names = [...PROXY_VARIABLES, 'NO_PROXY', 'no_proxy', 'AWS_CA_BUNDLE'];
  return sha256Hex(JSON.stringify([...names.map((name) => deps.env[name] ?? ''), deps.settings.timeoutMs])).slice(
    0,
    16,
  );
}

export function sharedFailure(
  failure: FailureEntry | undefined,
  request: { host: string; context: string; started: number; now: number },
): FailureEntry | undefined {
  if (!failure || PER_PROCESS_FAILURES.has(failure.category) || failure.context !== request.context) return undefined;
  // Its message names the host it was for; another host under the same key asks for itself.
  if (failure.host !== request.host) return undefined;
  // A failure from the future (another machine's clock on a shared cache volume) is nobody's.
  if (failure.failedAt > request.now) return undefined;
  return failure.failedAt >= request.started || request.now - failure.failedAt < SHARED_FAILURE_MS
    ? failure
    : undefined;
}
