// The heart of `get`: cache key -> cache -> lock -> one API call -> cache. Knows the cache and the token
// sources, not the wire protocol. The AWS SDK is imported lazily, only when a token must be fetched, so a
// cache hit costs one small file read.
import { cacheKeyFor, type CacheKey } from '../cache/key';
import { acquireLock } from '../cache/lock';
import { freshness, type Token } from '../cache/policy';
import { TokenStore, type CacheEntry } from '../cache/store';
import type { Env, Settings } from '../platform/settings';
import { TokenFetchError } from '../platform/errors';
import { explain } from './explain';
import { loadSdk, sdkLoadMs, type Sdk } from './sdk-loader';
import { startDeadline } from '../platform/deadline';
import { terminalMfaCodeProvider } from '../identity/mfa-prompt';
import type { Identity } from '../identity/identity';
import type { Logger } from '../platform/log';
import type { Registry } from '../registry/host';
import type { TokenRequest } from '../registry/routing';
import type { ClientDeps } from './client-config';
import type { FetchedToken } from './token';

export interface ServiceDeps {
  settings: Settings;
  env: Env;
  log: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

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

export function openStore(deps: ServiceDeps): TokenStore | undefined {
  return deps.settings.cacheDir ? TokenStore.open(deps.settings.cacheDir, deps.log, deps.now) : undefined;
}

/** Serves a token for the request: from the cache when fresh, else from AWS (one call per key at a time). */
export async function getToken(request: TokenRequest, deps: ServiceDeps): Promise<Token> {
  const { log, now } = deps;
  const { identity, key, endpointOverride } = resolve(request, deps.settings);
  log.debug(`${request.requestedHost}: ${request.registry.kind} registry, region ${request.registry.region}, partition ${request.registry.partition}${request.registry.fips ? ', FIPS' : ''}${request.registry.dualstack ? ', dual-stack' : ''}`);
  log.debug(`cache key ${key.id} (${key.description})`);

  const store = openStore(deps);
  const cached = store?.read(key);
  if (cached) {
    const state = freshness(cached, now());
    if (state === 'fresh') {
      log.secret(cached.password);
      log.debug(`cache hit, token valid until ${new Date(cached.expiresAt).toISOString()}`);
      remember(store!, key, cached, request.requestedHost);
      return cached;
    }
    log.debug(`cache entry is ${state}; fetching a new token`);
  } else {
    log.debug(store ? 'cache miss' : 'cache not in use');
  }

  // One fetch per key across processes: wait for whoever is fetching, then use what they cached.
  const lock = store
    ? await acquireLock(store.lockPath(key), { waitMs: deps.settings.timeoutMs + 2_000, staleMs: deps.settings.timeoutMs * 2 + 10_000, now, sleep: deps.sleep })
    : undefined;
  try {
    if (lock && !lock.acquired) log.debug(`lock not taken (${lock.reason}) after ${lock.waitedMs} ms; fetching anyway`);
    if (lock) {
      // Always look again after the lock: another process may have fetched, written and released between our
      // cache read and our lock attempt, even if we never had to wait, or just as our wait ran out.
      const after = store!.read(key);
      if (after && freshness(after, now()) === 'fresh') {
        log.secret(after.password);
        log.debug(`token fetched by another process (waited ${lock.waitedMs} ms for the lock)`);
        remember(store!, key, after, request.requestedHost);
        return after;
      }
    }
    let fetched: FetchedToken;
    const started = now();
    try {
      if (identity.missingProfile) {
        throw new TokenFetchError(
          `${request.requestedHost}: AWS profile ${identity.missingProfile} is not in ${deps.settings.awsConfigFile ?? '~/.aws/config'} or ${deps.settings.awsCredentialsFile ?? '~/.aws/credentials'}`,
          `create it with \`aws configure --profile ${identity.missingProfile}\` or fix the name`,
          'profile-not-found',
        );
      }
      fetched = await fetchToken(request, endpointOverride, deps, () => (lock?.acquired ? lock.markPrompting() : undefined));
    } catch (error) {
      const explained = explain(error, {
        registry: request.registry,
        requestedHost: request.requestedHost,
        identityLabel: identity.label,
        ...(identity.profile ? { profile: identity.profile } : {}),
      });
      log.debug(`token request failed after ${now() - started} ms (${explained.category})`);
      if (cached && freshness(cached, now()) === 'refresh-due') {
        log.secret(cached.password);
        log.warn(`${explained.message}; serving the cached token, valid until ${new Date(cached.expiresAt).toISOString()}`);
        return cached;
      }
      throw explained;
    }
    log.secret(fetched.password);
    log.debug(`token fetched in ${now() - started} ms, valid until ${new Date(fetched.expiresAt).toISOString()}`);
    const entry: CacheEntry = { version: 1, key: key.description, registries: [request.requestedHost], fetchedAt: started, ...fetched };
    store?.write(key, entry);
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

/** The SDK half (sdk-loader.ts), loaded on first use; the debug log says what loading it cost. */
async function loadSdkLogged(log: Logger): Promise<Sdk> {
  const first = sdkLoadMs() === undefined;
  const sdk = await loadSdk();
  if (first) log.debug(`AWS SDK loaded in ${sdkLoadMs()!.toFixed(1)} ms`);
  return sdk;
}

/**
 * What every AWS client of ours needs from the settings (token sources here; STS in caller-identity.ts).
 * Types only from token-sources: this file is on the cache-hit path.
 */
export function clientDepsFor(identity: Identity, endpoint: string | undefined, deps: Pick<ServiceDeps, 'settings' | 'env'>): ClientDeps {
  const { settings } = deps;
  return {
    env: deps.env,
    caBundle: settings.caBundle,
    requestTimeoutMs: Math.min(10_000, settings.timeoutMs),
    identity,
    endpoint,
    awsConfigFile: settings.awsConfigFile,
    awsCredentialsFile: settings.awsCredentialsFile,
    stsEndpoint: settings.endpointOverrides.sts ?? settings.endpointOverrides.all,
  };
}

/**
 * Loads only the client this registry needs, and bounds the whole call, retries and credential resolution
 * included (a credential provider takes no abort signal, so the deadline races it). Time spent waiting for a
 * person to type an MFA code does not count; `onPromptStart` tells the lock holder's waiters about it.
 */
async function fetchToken(request: TokenRequest, endpoint: string | undefined, deps: ServiceDeps, onPromptStart: () => void): Promise<FetchedToken> {
  const { registry, identity } = request;
  const controller = new AbortController();
  const deadline = startDeadline(deps.settings.timeoutMs, deps.now, () => controller.abort());
  const mfaCodeProvider = terminalMfaCodeProvider({
    profile: identity.profile ?? deps.settings.awsProfile,
    host: request.requestedHost,
    onPrompt: (prompting) => {
      if (prompting) {
        deadline.pause();
        onPromptStart();
      } else deadline.resume();
    },
  });
  const sourceDeps = { ...clientDepsFor(identity, endpoint, deps), now: deps.now, abortSignal: controller.signal, mfaCodeProvider };
  try {
    const sdk = await loadSdkLogged(deps.log);
    const source = registry.kind === 'ecr' ? sdk.ecrTokenSource(registry, sourceDeps) : sdk.ecrPublicTokenSource(registry, sourceDeps);
    return await Promise.race([source(), deadline.promise]);
  } finally {
    deadline.clear();
  }
}
