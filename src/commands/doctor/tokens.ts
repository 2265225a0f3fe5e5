// The token each host gets, judged fresh: AWS is asked now for every identity, region and endpoint (one request per
// cache key, through the lock, and the answer cached as `get` would), and the token the cache held is reported
// apart. A cached token says pulls work until it expires; only a fresh answer says they keep working.
import { freshness, refreshMargin } from '../../cache/policy';
import type { CacheEntry } from '../../cache/store';
import { MfaUnavailableError } from '../../aws/mfa-prompt';
import { redactUrl } from '../../platform/redact';
import { TokenFetchError } from '../../platform/errors';
import { printable } from '../../platform/log';
import type { Registry } from '../../registry/host';
import type { Route } from '../../registry/routing';
import { apiName, ExplainedTokenError } from '../../aws/explain';
import { getToken, openStore, resolve } from '../../tokens/service';
import type { RequestContext } from '../../tokens/context';
import { mfaSerial } from './identity';
import { when, type Check, type FreshAnswer, type Outcome, type TokenFact } from './result';

function describeRegistry(registry: Registry, endpoint: string | undefined): string {
  const variant = [
    registry.partition !== 'aws' ? `partition ${registry.partition}` : '',
    registry.fips ? 'FIPS' : '',
    registry.dualstack ? 'dual-stack' : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${apiName(registry)} in ${registry.region}${variant ? ` (${variant})` : ''}${endpoint ? ` via ${redactUrl(endpoint)}` : ''}`;
}

/** The summary without the `<host>: ` (or `<host> (<registry>): `) it starts with: the identity line names no host. */
function causeOf(summary: string, host: string): string {
  if (!summary.startsWith(host)) return summary;
  const colon = summary.indexOf(': ', host.length);
  return colon < 0 ? summary : summary.slice(colon + 2);
}

async function askAws(host: string, route: Route, deps: RequestContext): Promise<FreshAnswer> {
  try {
    const token = await getToken(route, deps, { fresh: true });
    return { state: 'ok', expiresAt: token.expiresAt };
  } catch (error) {
    if (!(error instanceof TokenFetchError)) {
      const summary = `${host}: ${error instanceof Error ? error.message : String(error)}`;
      return {
        state: 'failed',
        category: 'unknown',
        summary,
        cause: causeOf(summary, host),
        hint: 'run with DOCKER_CREDENTIAL_ECR_LOG=debug for details',
      };
    }
    const cause = error instanceof ExplainedTokenError ? error.reason : causeOf(error.summary, host);
    if (error instanceof MfaUnavailableError)
      return { state: 'not-checked', why: 'no-terminal', cause, hint: error.hint };
    return { state: 'failed', category: error.category, summary: error.summary, cause, hint: error.hint };
  }
}

function cacheCheck(
  host: string,
  entry: CacheEntry | undefined,
  cacheOn: boolean,
  cacheDirSource: string,
  fresh: FreshAnswer,
  now: number,
): Check {
  const name = `cache:${host}`;
  if (!cacheOn)
    return { name, status: 'ok', message: `${host}: no token cache (${cacheDirSource}); every pull asks AWS` };
  if (!entry) {
    return fresh.state !== 'ok'
      ? { name, status: 'warn', message: `${host}: no cached token to fall back on` }
      : {
          name,
          status: 'warn',
          message: `${host}: the token was not cached (see the warning above)`,
          fix: 'check the cache directory (doctor line "token cache")',
        };
  }
  const state = freshness(entry, now);
  if (state === 'fresh') {
    return {
      name,
      status: 'ok',
      message: `${host}: cached token fresh until ${when(entry.expiresAt - refreshMargin(entry), now)}, then refreshed; it expires ${when(entry.expiresAt, now)}`,
    };
  }
  if (state === 'refresh-due')
    return {
      name,
      status: 'warn',
      message: `${host}: cached token due for refresh; it expires ${when(entry.expiresAt, now)}`,
    };
  return {
    name,
    status: 'warn',
    message: `${host}: cached token expired ${when(entry.expiresAt, now)}; the next pull fetches a new one`,
  };
}

function tokenCheck(
  host: string,
  route: Route,
  where: string,
  cached: CacheEntry | undefined,
  fresh: FreshAnswer,
  now: number,
): Check {
  const name = `token:${host}`;
  const usable = cached && freshness(cached, now) !== 'expired' ? cached : undefined;
  if (fresh.state === 'ok') {
    const shared = fresh.sharedWith ? ` (one request with ${fresh.sharedWith}: same identity and region)` : '';
    const before = usable ? `; the cache held one valid until ${when(usable.expiresAt, now)}` : '';
    return {
      name,
      status: 'ok',
      message: `${where}: token fetched from AWS now${shared}, valid until ${when(fresh.expiresAt, now)}${before}`,
    };
  }
  // Public images need no login: without a token they are pulled anonymously, at a lower rate limit.
  const isPublic = route.registry.kind === 'ecr-public';
  const anonymous = isPublic ? ' (public images are then pulled anonymously, at a lower rate limit)' : '';
  if (fresh.state === 'not-checked') {
    if (usable) {
      return {
        name,
        status: 'warn',
        message: `${where}: pulls work until ${when(usable.expiresAt, now)} with the cached token; a new one was not asked for: ${printable(fresh.cause)}`,
        fix: fresh.hint,
      };
    }
    // Without a terminal, pulls that have none either fail; a second code is only not asked for (a pull asks it).
    const status = isPublic || fresh.why === 'second-code' ? 'warn' : 'fail';
    return {
      name,
      status,
      message: `${where}: no cached token, and a new one was not asked for: ${printable(fresh.cause)}${anonymous}`,
      fix: fresh.hint,
    };
  }
  if (usable) {
    return {
      name,
      status: isPublic ? 'warn' : 'fail',
      message: `${where}: pulls work until ${when(usable.expiresAt, now)} with the cached token; a new token is refused: ${printable(fresh.cause)}${anonymous}`,
      fix: fresh.hint,
    };
  }
  return {
    name,
    status: isPublic ? 'warn' : 'fail',
    message: `${printable(fresh.summary)}${anonymous}`,
    fix: fresh.hint,
  };
}

/** One fresh request per cache key; an MFA identity is asked for its code once per run at most. */
export async function tokenChecks(
  routes: ReadonlyMap<string, Route>,
  deps: RequestContext,
): Promise<Outcome<{ tokens: TokenFact[] }>> {
  const { settings, now } = deps;
  const store = openStore(deps);
  const checks: Check[] = [];
  const tokens: TokenFact[] = [];
  const answered = new Map<string, { host: string; fresh: FreshAnswer }>();
  const mfaAsked = new Set<string>();
  // What the cache held before this run asked AWS: read for every key first, so that a host sharing a key with an
  // earlier one is not told of the token this run has just fetched.
  const before = new Map<string, CacheEntry | undefined>();
  for (const route of routes.values()) {
    const { key } = resolve(route, settings);
    if (!before.has(key.id)) before.set(key.id, store?.read(key));
  }
  for (const [host, route] of routes) {
    const { identity, key, endpointOverride } = resolve(route, settings);
    const where = `${host}: ${describeRegistry(route.registry, endpointOverride)} as ${identity.label}`;
    const cached = before.get(key.id);
    let fresh: FreshAnswer;
    const earlier = answered.get(key.id);
    if (earlier) {
      const shared = `${host}: no token (one request with ${earlier.host}, same identity and region): ${earlier.fresh.state === 'ok' ? '' : earlier.fresh.cause}`;
      fresh =
        earlier.fresh.state === 'ok'
          ? { ...earlier.fresh, sharedWith: earlier.host }
          : earlier.fresh.state === 'failed'
            ? { ...earlier.fresh, summary: shared }
            : earlier.fresh;
    } else if (mfaSerial(identity, settings) && mfaAsked.has(identity.keyMaterial)) {
      fresh = {
        state: 'not-checked',
        why: 'second-code',
        cause: 'a second MFA code would be needed (doctor asks for one code per run)',
        hint: `\`docker-credential-ecr doctor ${host}\` checks it on its own`,
      };
    } else {
      if (mfaSerial(identity, settings)) mfaAsked.add(identity.keyMaterial);
      fresh = await askAws(host, route, deps);
      answered.set(key.id, { host, fresh });
    }
    checks.push(tokenCheck(host, route, where, cached, fresh, now()));
    checks.push(cacheCheck(host, store?.read(key), Boolean(store), settings.cacheDirSource, fresh, now()));
    const usable = cached && freshness(cached, now()) !== 'expired' ? cached.expiresAt : undefined;
    tokens.push({
      host,
      identity: identity.keyMaterial,
      isPublic: route.registry.kind === 'ecr-public',
      mfa: mfaSerial(identity, settings) !== undefined,
      ...(usable ? { cachedUntil: usable } : {}),
      fresh,
    });
  }
  return { checks, facts: { tokens } };
}
