// The token service (tokens/service.ts) with an in-memory token fetcher in place of the SDK: cache, lock, shared
// failures, refresh and `fresh`, decided here without AWS, a network or the built executable. The cache is real
// files in a temporary directory (it is the cross-process part); the clock is passed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { getToken, resolve, openStore } from '../../src/tokens/service';
import type { RequestContext, TokenFetcher } from '../../src/tokens/context';
import { readSettings } from '../../src/platform/settings';
import { createLogger } from '../../src/platform/log';
import { TokenFetchError } from '../../src/platform/errors';
import { routeServerUrl, type TokenRequest } from '../../src/registry/routing';
import { collector } from '../support/run-cli';
import { tempDir } from '../support/temp';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const HOUR = 3_600_000;

/** An in-memory fetcher: answers from `answer` (a token, an error, or a promise of either) and counts calls. */
function fakeFetcher(answer: () => Promise<{ password: string } | Error>): TokenFetcher & { calls: number } {
  const fetcher = Object.assign(
    async () => {
      fetcher.calls++;
      const result = await answer();
      if (result instanceof Error) throw result;
      return { username: 'AWS', password: result.password, expiresAt: Date.now() + 12 * HOUR };
    },
    { calls: 0 },
  );
  return fetcher;
}

/**
 * The clock passed in: real time, but never the same millisecond twice. The service compares instants ("fetched
 * after this request started"); two steps of a test within one millisecond would otherwise be a coin toss.
 */
function strictClock(): () => number {
  let last = 0;
  return () => (last = Math.max(last + 1, Date.now()));
}

function context(
  fetchToken: TokenFetcher,
  home = tempDir('dce-service-'),
): { deps: RequestContext; request: TokenRequest; stderr: () => string } {
  const env = {
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIASERVICEUNIT00001',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ECR_CACHE_DIR: join(home, 'cache'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const settings = readSettings(env, () => home);
  const stderr = collector();
  const now = strictClock();
  const log = createLogger({ level: 'warn', stderr: stderr.stream, now });
  const deps: RequestContext = {
    settings,
    env,
    log,
    now,
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    fetchToken,
  };
  return { deps, request: routeServerUrl(HOST, settings), stderr: stderr.text };
}

const DENIED = `${HOST}: access denied; grant ecr:GetAuthorizationToken`;
const denied = (): TokenFetchError =>
  new TokenFetchError(`${HOST}: access denied`, 'grant ecr:GetAuthorizationToken', 'access-denied');

test('a miss asks once and caches; the next request is served from the cache without asking', async () => {
  const fetcher = fakeFetcher(async () => ({ password: 'first' }));
  const { deps, request } = context(fetcher);
  assert.equal((await getToken(request, deps)).password, 'first');
  assert.equal((await getToken(request, deps)).password, 'first');
  assert.equal(fetcher.calls, 1);
  const { key } = resolve(request, deps.settings);
  assert.deepEqual(openStore(deps)!.read(key)?.registries, [HOST]);
});

test('a crowd of requests for one key makes one call: the others wait on the lock and take what it cached', async () => {
  let release!: () => void;
  const gate = new Promise<void>((done) => (release = done));
  const fetcher = fakeFetcher(async () => {
    await gate;
    return { password: 'shared' };
  });
  const { deps, request } = context(fetcher);
  const crowd = Array.from({ length: 8 }, () => getToken(request, deps));
  setTimeout(release, 200);
  const tokens = await Promise.all(crowd);
  assert.deepEqual(new Set(tokens.map((t) => t.password)), new Set(['shared']));
  assert.equal(fetcher.calls, 1);
});

test('a failure is shared with those who waited for it, and not asked again by each of them', async () => {
  let release!: () => void;
  const gate = new Promise<void>((done) => (release = done));
  const fetcher = fakeFetcher(async () => {
    await gate;
    return denied();
  });
  const { deps, request } = context(fetcher);
  const crowd = Array.from({ length: 5 }, () =>
    getToken(request, deps).then(
      () => 'served',
      (e: Error) => e.message,
    ),
  );
  setTimeout(release, 200);
  assert.deepEqual(await Promise.all(crowd), Array(5).fill(DENIED));
  assert.equal(fetcher.calls, 1);
});

test('a failure that depends on the process (no terminal for MFA) is not shared: the next caller asks itself', async () => {
  const fetcher = fakeFetcher(
    async () => new TokenFetchError(`${HOST}: an MFA code is needed`, 'run it in a terminal', 'mfa-required'),
  );
  const { deps, request } = context(fetcher);
  await assert.rejects(getToken(request, deps), /an MFA code is needed/);
  await assert.rejects(getToken(request, deps), /an MFA code is needed/);
  assert.equal(fetcher.calls, 2);
});

test('a token due for refresh is refreshed; if that fails it is still served, with the failure as a warning', async () => {
  let answer: () => { password: string } | Error = () => ({ password: 'new' });
  const fetcher = fakeFetcher(async () => answer());
  const { deps, request, stderr } = context(fetcher);
  const store = openStore(deps)!;
  const { key } = resolve(request, deps.settings);
  const dueSoon = () =>
    store.write(key, {
      version: 1,
      key: key.description,
      registries: [HOST],
      username: 'AWS',
      password: 'old',
      fetchedAt: Date.now() - 11 * HOUR,
      expiresAt: Date.now() + 5 * 60_000,
    });

  dueSoon();
  answer = denied;
  assert.equal((await getToken(request, deps)).password, 'old');
  assert.match(stderr(), /access denied; grant ecr:GetAuthorizationToken; serving the cached token, valid until /);
  assert.doesNotMatch(stderr(), /old/, 'the token itself is not in the warning');

  store.clearFailure(key);
  dueSoon();
  answer = () => ({ password: 'new' });
  assert.equal((await getToken(request, deps)).password, 'new');
  assert.equal(fetcher.calls, 2);
});

test('an expired token is never served, even when the refresh fails', async () => {
  const fetcher = fakeFetcher(async () => denied());
  const { deps, request } = context(fetcher);
  const { key } = resolve(request, deps.settings);
  openStore(deps)!.write(key, {
    version: 1,
    key: key.description,
    registries: [HOST],
    username: 'AWS',
    password: 'old',
    fetchedAt: Date.now() - 13 * HOUR,
    expiresAt: Date.now() - 60_000,
  });
  await assert.rejects(getToken(request, deps), (e: Error) => e instanceof TokenFetchError && e.message === DENIED);
});

test('fresh (doctor) asks AWS although the cache holds a fresh token, and a refusal is thrown, not softened to the cached token', async () => {
  let answer: () => { password: string } | Error = () => ({ password: 'cached' });
  const fetcher = fakeFetcher(async () => answer());
  const { deps, request } = context(fetcher);
  await getToken(request, deps);
  answer = denied;
  await assert.rejects(getToken(request, deps, { fresh: true }), /access denied/);
  assert.equal(fetcher.calls, 2);
  assert.equal((await getToken(request, deps)).password, 'cached', 'the cached token still serves pulls');
  answer = () => ({ password: 'renewed' });
  assert.equal((await getToken(request, deps, { fresh: true })).password, 'renewed');
  assert.equal((await getToken(request, deps)).password, 'renewed', 'what fresh fetched is cached');
});

test('a shared failure is not handed to a caller whose proxy settings differ (they may have just fixed them)', async () => {
  const home = tempDir('dce-service-');
  const failing = fakeFetcher(async () => denied());
  const first = context(failing, home);
  await assert.rejects(getToken(first.request, first.deps), /access denied/);
  const working = fakeFetcher(async () => ({ password: 'through-the-proxy' }));
  const second = context(working, home);
  second.deps.env = { ...second.deps.env, HTTPS_PROXY: 'http://127.0.0.1:3128' };
  assert.equal((await getToken(second.request, second.deps)).password, 'through-the-proxy');
  assert.equal(working.calls, 1);
});
