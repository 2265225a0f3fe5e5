// doctor's token checks (commands/doctor/tokens.ts) with an in-memory token fetcher: every verdict is AWS's answer
// now, the cached token reported apart, one request per cache key, and the words and fix each case prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tokenChecks } from '../../../src/commands/doctor/tokens';
import { openStore, resolve } from '../../../src/tokens/service';
import type { RequestContext, TokenFetcher } from '../../../src/tokens/context';
import { readSettings } from '../../../src/platform/settings';
import { createLogger } from '../../../src/platform/log';
import { TokenFetchError } from '../../../src/platform/errors';
import { MfaUnavailableError } from '../../../src/aws/mfa-prompt';
import { routeServerUrl, type Route } from '../../../src/registry/routing';
import { collector } from '../../support/run-cli';
import { tempDir } from '../../support/temp';

const EAST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const EAST_OTHER_ACCOUNT = '210987654321.dkr.ecr.us-east-1.amazonaws.com';
const HOUR = 3_600_000;

type Answer = (host: string) => { password: string } | Error;

function setUp(answer: Answer): {
  deps: RequestContext;
  routes: (...hosts: string[]) => Map<string, Route>;
  calls: string[];
} {
  const home = tempDir('dce-doctor-tokens-');
  const env = {
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIADOCTORUNIT000001',
    AWS_SECRET_ACCESS_KEY: 's',
    AWS_ECR_CACHE_DIR: join(home, 'cache'),
  };
  const settings = readSettings(env, () => home);
  const calls: string[] = [];
  const fetchToken: TokenFetcher = async (request) => {
    calls.push(request.requestedHost);
    const result = answer(request.requestedHost);
    if (result instanceof Error) throw result;
    return { username: 'AWS', password: result.password, expiresAt: Date.now() + 12 * HOUR };
  };
  let last = 0;
  const now = (): number => (last = Math.max(last + 1, Date.now()));
  const deps: RequestContext = {
    settings,
    env,
    log: createLogger({ level: 'off', stderr: collector().stream, now }),
    now,
    sleep: async () => {},
    fetchToken,
  };
  return { deps, calls, routes: (...hosts) => new Map(hosts.map((h) => [h, routeServerUrl(h, settings)])) };
}

function cacheToken(deps: RequestContext, route: Route, expiresInMs: number): void {
  const { key } = resolve(route, deps.settings);
  openStore(deps)!.write(key, {
    version: 1,
    key: key.description,
    registries: [route.requestedHost],
    username: 'AWS',
    password: 'cached',
    fetchedAt: Date.now() - HOUR,
    expiresAt: Date.now() + expiresInMs,
  });
}

const denied = (host: string): TokenFetchError =>
  new TokenFetchError(
    `${host}: access denied (not authorized to perform ecr:GetAuthorizationToken)`,
    'the identity needs IAM permission ecr:GetAuthorizationToken',
    'access-denied',
  );

test('a token the cache holds does not make the verdict: AWS refusing now fails, saying until when pulls still work', async () => {
  const { deps, routes, calls } = setUp((host) => denied(host));
  const r = routes(EAST);
  cacheToken(deps, r.get(EAST)!, 10 * HOUR);
  const { checks, facts } = await tokenChecks(r, deps);
  const token = checks.find((c) => c.name === `token:${EAST}`)!;
  assert.equal(token.status, 'fail');
  assert.match(
    token.message,
    /pulls work until \S+Z \(in 10 h\) with the cached token; a new token is refused: access denied \(not authorized to perform ecr:GetAuthorizationToken\)$/,
  );
  assert.equal(token.fix, 'the identity needs IAM permission ecr:GetAuthorizationToken');
  assert.deepEqual(calls, [EAST]);
  assert.equal(facts.tokens[0].fresh.state, 'failed');
  assert.ok(facts.tokens[0].cachedUntil! > Date.now());
});

test('a fresh answer is ok and names the cached token it replaces; the cache line says when it is refreshed', async () => {
  const { deps, routes } = setUp(() => ({ password: 'new' }));
  const r = routes(EAST);
  cacheToken(deps, r.get(EAST)!, 10 * HOUR);
  const { checks } = await tokenChecks(r, deps);
  const [token, cache] = checks;
  assert.equal(token.status, 'ok');
  assert.match(
    token.message,
    /^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com: ECR API in us-east-1 as environment key AKIADOCTORUNIT000001: token fetched from AWS now, valid until .*; the cache held one valid until /,
  );
  assert.equal(cache.status, 'ok');
  assert.match(cache.message, /cached token fresh until .*, then refreshed; it expires /);
});

test('hosts under one cache key make one request, and the second says whose answer it shares', async () => {
  const ok = setUp(() => ({ password: 'one' }));
  const { checks } = await tokenChecks(ok.routes(EAST, EAST_OTHER_ACCOUNT), ok.deps);
  assert.equal(ok.calls.length, 1);
  assert.match(
    checks.find((c) => c.name === `token:${EAST_OTHER_ACCOUNT}`)!.message,
    /\(one request with 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com: same identity and region\)/,
  );

  const refused = setUp((host) => denied(host));
  const failed = await tokenChecks(refused.routes(EAST, EAST_OTHER_ACCOUNT), refused.deps);
  assert.equal(refused.calls.length, 1);
  const second = failed.checks.find((c) => c.name === `token:${EAST_OTHER_ACCOUNT}`)!;
  assert.equal(second.status, 'fail');
  assert.match(
    second.message,
    /^210987654321\.dkr\.ecr\.us-east-1\.amazonaws\.com: no token \(one request with 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com, same identity and region\): access denied/,
  );
});

test('ECR Public refused is a warning (public images still pull, anonymously); a private registry refused with no cache fails', async () => {
  const { deps, routes } = setUp((host) => denied(host));
  const { checks } = await tokenChecks(routes('public.ecr.aws', EAST), deps);
  const pub = checks.find((c) => c.name === 'token:public.ecr.aws')!;
  assert.equal(pub.status, 'warn');
  assert.match(pub.message, /\(public images are then pulled anonymously, at a lower rate limit\)$/);
  const priv = checks.find((c) => c.name === `token:${EAST}`)!;
  assert.equal(priv.status, 'fail');
  assert.equal(priv.message, `${EAST}: access denied (not authorized to perform ecr:GetAuthorizationToken)`);
  assert.equal(checks.find((c) => c.name === `cache:${EAST}`)!.message, `${EAST}: no cached token to fall back on`);
});

test('no terminal for an MFA code: a warning while a cached token serves, a failure without one', async () => {
  const mfa = (host: string): Error =>
    new MfaUnavailableError(
      `${host}: profile dev needs an MFA code and there is no terminal to ask on`,
      'run `docker-credential-ecr doctor` in a terminal',
      'mfa-required',
    );
  const withCache = setUp(mfa);
  const r = withCache.routes(EAST);
  cacheToken(withCache.deps, r.get(EAST)!, 5 * HOUR);
  const [warned] = (await tokenChecks(r, withCache.deps)).checks;
  assert.equal(warned.status, 'warn');
  assert.match(
    warned.message,
    /pulls work until .* with the cached token; a new one was not asked for: profile dev needs an MFA code/,
  );

  const without = setUp(mfa);
  const [failed] = (await tokenChecks(without.routes(EAST), without.deps)).checks;
  assert.equal(failed.status, 'fail');
  assert.match(failed.message, /no cached token, and a new one was not asked for: profile dev needs an MFA code/);
  assert.equal(failed.fix, 'run `docker-credential-ecr doctor` in a terminal');
});
