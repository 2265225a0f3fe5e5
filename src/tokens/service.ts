// The heart of `get`: cache key -> cache -> lock -> one API call -> cache. Knows the cache and the token
// sources, not the wire protocol. Everything a hit does not need (the lock, the fetch's deadline and MFA prompt,
// the AWS SDK, the words for a failure) is imported only when a token must be fetched, so a cache hit costs one
// small file read and no more code than it runs.
import { cacheKeyFor, type CacheKey } from '../cache/key';
import { freshness, type Token } from '../cache/policy';
import { TokenStore, type CacheEntry } from '../cache/store';
import type { Settings } from '../platform/settings';
import { TokenFetchError } from '../platform/errors';
import { inputsOutsideMemo } from '../memo/hit-memo';
import type { RequestContext } from './context';
import type { Identity } from '../identity/identity';
import type { Registry } from '../registry/host';
import type { TokenRequest } from '../registry/routing';
import type { FetchedToken } from '../aws/token';
import {
  PER_PROCESS_FAILURES,
  reportMarginMs,
  requestContext,
  SHARED_FAILURE_MS,
  sharedFailure,
} from './shared-failure';
import { fetchToken } from './fetch';

export interface Resolved {
  identity: Identity;
  key: CacheKey;
  endpointOverride: string | undefined;
}

export function endpointOverrideFor(registry: Registry, settings: Settings): string | undefined {
  const o = settings.endpointOverrides;
  return registry.kind === 'ecr' ? (o.ecr ?? o.all) : (o.ecrPublic ?? o.all);
}

export function resolve(request: TokenRequest, settings: Settings): Resolved {
  const { identity } = request;
  const endpointOverride = endpointOverrideFor(request.registry, settings);
  return { identity, endpointOverride, key: cacheKeyFor(request.registry, identity, endpointOverride) };
}

export function openStore(deps: RequestContext): TokenStore | undefined {
  return deps.settings.cacheDir ? TokenStore.open(deps.settings.cacheDir, deps.log, deps.now) : undefined;
}

/**
 * A holder cannot hold the lock longer than its own request budget (it took the lock after it started), so a lock
 * older than the timeout and this margin is stale: its holder died, on this host or on another that shares the
 * cache volume (where its pid cannot be checked). An MFA prompt marks the lock and is exempt.
 */
const LOCK_GRACE_MS = 2_000;
export interface TokenOptions {
  /**
   * Ask AWS now even when the cache holds a fresh token (`doctor`: no verdict rests on the cache). Still one call
   * per key at a time through the lock, and the answer is cached; a failure is thrown, never softened to the
   * cached token. An answer another process fetched while this one waited for the lock is fresh too.
   */
  fresh?: boolean;
}

/** Serves a token for the request: from the cache when fresh, else from AWS (one call per key at a time). */
export async function getToken(
  request: TokenRequest,
  deps: RequestContext,
  options: TokenOptions = {},
): Promise<Token> {
  const { log, now } = deps;
  // One budget for the whole request, the wait for another process included: no caller waits past the timeout.
  const started = now();
  const budgetLeft = (): number => Math.max(0, started + deps.settings.timeoutMs - now());
  if (request.customPattern) (await import('../registry/public-suffix')).assertOwnsItsDomain(request.customPattern);
  const { identity, key, endpointOverride } = resolve(request, deps.settings);
  // The key names what the memo's name does not (the working directory of a relative credential_process): no memo.
  if (inputsOutsideMemo(identity.commandInputs)) deps.hitMemo?.spoil();
  log.debug(
    `${request.requestedHost}: ${request.registry.kind} registry, region ${request.registry.region}, partition ${request.registry.partition}${request.registry.fips ? ', FIPS' : ''}${request.registry.dualstack ? ', dual-stack' : ''}`,
  );
  log.debug(`cache key ${key.id} (${key.description})`);

  const store = openStore(deps);
  const cached = store?.read(key);
  if (cached && !options.fresh) {
    const state = freshness(cached, now());
    if (state === 'fresh') {
      log.secret(cached.password);
      log.debug(`cache hit, token valid until ${new Date(cached.expiresAt).toISOString()}`);
      remember(store!, key, cached, request.requestedHost);
      deps.hitMemo?.served(key.id, request.requestedHost, cached);
      return cached;
    }
    log.debug(`cache entry is ${state}; fetching a new token`);
  } else {
    log.debug(store ? 'cache miss' : 'cache not in use');
  }
  const context = {
    registry: request.registry,
    requestedHost: request.requestedHost,
    identityLabel: identity.label,
    ...(identity.profile ? { profile: identity.profile } : {}),
  };
  /** A failure, softened to the cached token while that is still valid (refresh-due). */
  const failWith = (error: TokenFetchError): Token => {
    if (cached && !options.fresh && freshness(cached, now()) === 'refresh-due') {
      log.secret(cached.password);
      log.warn(`${error.message}; serving the cached token, valid until ${new Date(cached.expiresAt).toISOString()}`);
      return cached;
    }
    throw error;
  };

  // One fetch per key across processes: wait for whoever is fetching, then use what they cached (or the failure
  // they recorded).
  const lock = store
    ? await (
        await import('../cache/lock')
      ).acquireLock(store.lockPath(key), {
        waitMs: budgetLeft(),
        staleMs: deps.settings.timeoutMs + LOCK_GRACE_MS,
        now,
        sleep: deps.sleep,
      })
    : undefined;
  try {
    if (lock) {
      // Always look again after the lock: another process may have fetched, written and released between our
      // cache read and our lock attempt, even if we never had to wait, or just as our wait ran out.
      const after = store!.read(key);
      if (after && freshness(after, now()) === 'fresh' && (!options.fresh || after.fetchedAt >= started)) {
        log.secret(after.password);
        log.debug(`token fetched by another process (waited ${lock.waitedMs} ms for the lock)`);
        remember(store!, key, after, request.requestedHost);
        deps.hitMemo?.served(key.id, request.requestedHost, after);
        return after;
      }
      const failure = sharedFailure(store!.readFailure(key), {
        host: request.requestedHost,
        context: requestContext(deps),
        started,
        now: now(),
      });
      if (failure && (!options.fresh || failure.failedAt >= started)) {
        log.debug(
          `process ${failure.pid} failed to fetch this token ${now() - failure.failedAt} ms ago (${failure.category}); not asking AWS again within ${SHARED_FAILURE_MS} ms`,
        );
        return failWith(new TokenFetchError(failure.summary, failure.hint, failure.category));
      }
    }
    if (lock && !lock.acquired && lock.timedOut) {
      // The holder is still at it and our budget is spent. Said as what it is: which process holds the lock.
      return failWith(
        new TokenFetchError(
          `${request.requestedHost}: no token within ${deps.settings.timeoutMs} ms: another docker-credential-ecr process (${lock.holder ?? 'unknown'}) was fetching it and had not finished`,
          "retry; a lock whose holder is gone is taken over after the holder's own timeout (run with DOCKER_CREDENTIAL_ECR_LOG=debug to see the wait)",
          'timeout',
        ),
      );
    }
    if (lock && !lock.acquired) log.debug(`lock not taken (${lock.reason}) after ${lock.waitedMs} ms; fetching anyway`);
    let fetched: FetchedToken;
    const fetchStarted = now();
    try {
      if (identity.missingProfile) {
        throw new TokenFetchError(
          `${request.requestedHost}: AWS profile ${identity.missingProfile} is not in ${deps.settings.awsConfigFile ?? '~/.aws/config'} or ${deps.settings.awsCredentialsFile ?? '~/.aws/credentials'}`,
          `create it with \`aws configure --profile ${identity.missingProfile}\` or fix the name`,
          'profile-not-found',
        );
      }
      fetched = await (deps.fetchToken ?? fetchToken)(
        request,
        endpointOverride,
        deps,
        Math.max(0, budgetLeft() - reportMarginMs(deps.settings.timeoutMs)),
        () => (lock?.acquired ? lock.markPrompting() : undefined),
      );
    } catch (error) {
      const [{ explain }, { ssoSessionOf }] = await Promise.all([
        import('../aws/explain'),
        import('../aws/explain-sso'),
      ]);
      const sso =
        identity.source === 'profile'
          ? ssoSessionOf(deps.settings, deps.env, identity.profile ?? deps.settings.awsProfile)
          : undefined;
      const explained = explain(error, { ...context, ...(sso ? { sso } : {}), env: deps.env });
      log.debug(`token request failed after ${now() - fetchStarted} ms (${explained.category})`);
      if (store && !PER_PROCESS_FAILURES.has(explained.category)) {
        store.writeFailure(key, {
          version: 1,
          key: key.description,
          summary: explained.summary,
          hint: explained.hint,
          category: explained.category,
          failedAt: now(),
          pid: process.pid,
          host: request.requestedHost,
          context: requestContext(deps),
        });
      }
      return failWith(explained);
    }
    log.secret(fetched.password);
    log.debug(`token fetched in ${now() - fetchStarted} ms, valid until ${new Date(fetched.expiresAt).toISOString()}`);
    // The hosts the old token served stay named (for `list`): a new token serves them as well.
    const registries = [...new Set([...(cached?.registries ?? []), request.requestedHost])].slice(-64);
    const entry: CacheEntry = { version: 1, key: key.description, registries, fetchedAt: fetchStarted, ...fetched };
    if (store?.write(key, entry)) store.clearFailure(key);
    return entry;
  } finally {
    if (lock?.acquired) lock.release();
  }
}

/** Records that this entry served `host`, for `list`; writes only the first time a host is seen. */
function remember(store: TokenStore, key: CacheKey, entry: CacheEntry, host: string): void {
  if (entry.registries.includes(host)) return;
  store.write(key, { ...entry, registries: [...entry.registries, host].slice(-64) });
}
