// `get` through the real CLI and backend, in-process, on paths that make no AWS call: the cache, the hosts we
// serve and do not, and input that must never be echoed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheKeyFor } from '../../src/cache/key';
import { TokenStore } from '../../src/cache/store';
import { readSettings } from '../../src/platform/settings';
import { selectIdentity } from '../../src/identity/identity';
import { createLogger } from '../../src/platform/log';
import { registryForHost } from '../../src/registry/host';
import { NOT_FOUND_MESSAGE } from '../../src/platform/errors';
import { collector, runInProcess } from '../support/run-cli';
import { HOST, NOW, environment, seed } from './cli-env';

test('get on a fresh cached token answers from the cache', async () => {
  const env = environment();
  seed(env, HOST, 'cached-password-1', NOW + 6 * 3600_000);
  const result = await runInProcess(['get'], { stdin: HOST, env, now: () => NOW });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, `{"ServerURL":"${HOST}","Username":"AWS","Secret":"cached-password-1"}\n`);
  assert.equal(result.stderr, '');
});

test('get echoes the server URL as given, with scheme and path', async () => {
  const env = environment();
  seed(env, HOST, 'cached-password-2', NOW + 6 * 3600_000);
  const input = `https://${HOST}/v2/`;
  const result = await runInProcess(['get'], { stdin: `${input}\n`, env, now: () => NOW });
  assert.equal(result.code, 0);
  assert.deepEqual(JSON.parse(result.stdout), { ServerURL: input, Username: 'AWS', Secret: 'cached-password-2' });
});

test('one cached token serves every registry of the region for that identity', async () => {
  const env = environment();
  seed(env, HOST, 'regional-token', NOW + 6 * 3600_000);
  const other = '210987654321.dkr.ecr.us-east-1.amazonaws.com';
  const result = await runInProcess(['get'], { stdin: other, env, now: () => NOW });
  assert.equal(JSON.parse(result.stdout).Secret, 'regional-token');
  const list = await runInProcess(['list'], { stdin: 'unused', env, now: () => NOW });
  assert.deepEqual(JSON.parse(list.stdout), { [`https://${HOST}`]: 'AWS', [`https://${other}`]: 'AWS' });
});

test('a host we do not serve gets the exact not-found answer and exit 1', async () => {
  const result = await runInProcess(['get'], { stdin: 'registry.example.com', env: environment() });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, `${NOT_FOUND_MESSAGE}\n`);
  assert.equal(result.stderr, '');
});

test('a mistyped ECR host gets not-found plus a hint on stderr', async () => {
  const result = await runInProcess(['get'], {
    stdin: `${HOST.replace('123456789012', '12345678901')}`,
    env: environment(),
  });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, `${NOT_FOUND_MESSAGE}\n`);
  assert.match(result.stderr, /account ID must have 12 digits \(it has 11\)/);
});

test('empty stdin gets "no credentials server URL" and exit 1', async () => {
  const result = await runInProcess(['get'], { stdin: '', env: environment() });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, 'no credentials server URL\n');
});

test('megabytes on stdin get not-found, exit 1, nothing echoed', async () => {
  const result = await runInProcess(['get'], { stdin: Buffer.alloc(3 * 1024 * 1024, 'a'), env: environment() });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, `${NOT_FOUND_MESSAGE}\n`);
  assert.equal(result.stderr, '');
});

test('terminal escape sequences in the input are never echoed raw', async () => {
  const env = { ...environment(), DOCKER_CREDENTIAL_ECR_LOG: 'debug' };
  const result = await runInProcess(['get'], { stdin: `\x1b]0;pwned\x07${HOST}`, env });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, `${NOT_FOUND_MESSAGE}\n`);
  assert.doesNotMatch(result.stderr, /\x1b/);
});

test('an expired cached token is never served', async () => {
  const env = { ...environment(), AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9' };
  // Seeded under the endpoint override's key, so `get` finds it, judges it expired, and must try AWS (refused).
  const settings = readSettings(env, () => env.HOME);
  const registry = registryForHost(HOST)!;
  const key = cacheKeyFor(registry, selectIdentity(settings), 'http://127.0.0.1:9');
  const store = TokenStore.open(
    settings.cacheDir!,
    createLogger({ level: 'off', stderr: collector().stream, now: () => NOW }),
    () => NOW,
  )!;
  store.write(key, {
    version: 1,
    key: key.description,
    registries: [HOST],
    username: 'AWS',
    password: 'expired-password',
    expiresAt: NOW - 1,
    fetchedAt: NOW - 12 * 3600_000,
  });
  const result = await runInProcess(['get'], {
    stdin: HOST,
    env: { ...env, DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '3000' },
    now: () => NOW,
  });
  assert.equal(result.code, 1);
  assert.doesNotMatch(result.stdout + result.stderr, /expired-password/);
  assert.match(result.stderr, /cannot reach the ECR API endpoint 127\.0\.0\.1:9 \(ECONNREFUSED\)/);
});
