// The protocol through the real CLI and backend, in-process, on paths that make no AWS call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheKeyFor } from '../src/cache/key';
import { TokenStore } from '../src/cache/store';
import { readSettings } from '../src/platform/settings';
import { selectIdentity } from '../src/identity/identity';
import { createLogger } from '../src/platform/log';
import { registryForHost } from '../src/registry/host';
import { NOT_FOUND_MESSAGE } from '../src/platform/errors';
import { collector, runInProcess } from './support/run-cli';
import { tempDir } from './support/temp';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

function environment() {
  const home = tempDir();
  return {
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY00001',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    AWS_ECR_CACHE_DIR: join(home, 'cache'),
  };
}

/** Puts a token in the cache exactly where `get` for `host` will look for it. */
function seed(
  env: Record<string, string>,
  host: string,
  password: string,
  expiresAt: number,
  fetchedAt = NOW - 60_000,
) {
  const settings = readSettings(env, () => env.HOME);
  const registry = registryForHost(host)!;
  const key = cacheKeyFor(registry, selectIdentity(settings), undefined);
  const store = TokenStore.open(
    settings.cacheDir!,
    createLogger({ level: 'off', stderr: collector().stream, now: () => NOW }),
    () => NOW,
  )!;
  assert.ok(
    store.write(key, {
      version: 1,
      key: key.description,
      registries: [host],
      username: 'AWS',
      password,
      expiresAt,
      fetchedAt,
    }),
  );
}

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

test('list is {} with an empty cache, and store is accepted and ignored', async () => {
  const env = environment();
  const list = await runInProcess(['list'], { stdin: 'unused', env });
  assert.deepEqual([list.code, list.stdout], [0, '{}\n']);
  const store = await runInProcess(['store'], {
    stdin: JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: 'typed-by-hand' }),
    env,
  });
  assert.equal(store.code, 0);
  assert.equal(store.stdout, '');
  assert.match(store.stderr, /docker login is not needed with this helper/);
  assert.doesNotMatch(store.stderr, /typed-by-hand/);
});

test('erase forgets the cached token for that host', async () => {
  const env = environment();
  seed(env, HOST, 'to-be-erased', NOW + 6 * 3600_000);
  const erase = await runInProcess(['erase'], { stdin: `https://${HOST}`, env, now: () => NOW });
  assert.equal(erase.code, 0);
  const list = await runInProcess(['list'], { stdin: 'unused', env, now: () => NOW });
  assert.equal(list.stdout, '{}\n');
});

test('version, --version, and usage', async () => {
  for (const flag of ['version', '--version']) {
    const result = await runInProcess([flag], { env: environment() });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^docker-credential-ecr \d+\.\d+\.\d+\n$/);
  }
  const refusals: [string[], RegExp][] = [
    [[], /^docker-credential-ecr: no command given\n\nUsage: docker-credential-ecr COMMAND \[OPTION\]\.\.\./],
    [
      ['frobnicate'],
      /^docker-credential-ecr: unknown command "frobnicate"\nRun `docker-credential-ecr help` for the list of commands\.\n$/,
    ],
    [['explain'], /^docker-credential-ecr: unknown command "explain"\n/],
    [
      ['confgure'],
      /^docker-credential-ecr: unknown command "confgure"; did you mean `docker-credential-ecr configure`\?\n/,
    ],
    [
      ['help', 'docter'],
      /^docker-credential-ecr: unknown command "docter"; did you mean `docker-credential-ecr doctor`\?\n/,
    ],
    [
      ['get', 'extra'],
      /^docker-credential-ecr: get takes no arguments \(Docker runs it with exactly one: the action\); see `docker-credential-ecr help get`\n$/,
    ],
  ];
  for (const [argv, message] of refusals) {
    const result = await runInProcess(argv, { env: environment() });
    assert.equal(result.code, 1, argv.join(' '));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message, argv.join(' '));
  }
});

test('erase with empty stdin is "no credentials server URL", exit 1', async () => {
  const result = await runInProcess(['erase'], { stdin: '', env: environment() });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, 'no credentials server URL\n');
});

test('an unknown log level is warned about once and warn is used', async () => {
  const env = { ...environment(), DOCKER_CREDENTIAL_ECR_LOG: 'verbose' };
  seed(env, HOST, 'cached-password-3', NOW + 6 * 3600_000);
  const result = await runInProcess(['get'], { stdin: HOST, env, now: () => NOW });
  assert.equal(result.code, 0);
  assert.equal(
    result.stderr,
    'docker-credential-ecr: warning: DOCKER_CREDENTIAL_ECR_LOG=verbose is not one of debug, info, warn, error, off; using warn\n',
  );
});

test('an unwritable log file is one warning; the answer is unaffected', async () => {
  const env = { ...environment(), DOCKER_CREDENTIAL_ECR_LOG_FILE: '/proc/self/no/helper.log' };
  seed(env, HOST, 'cached-password-4', NOW + 6 * 3600_000);
  const result = await runInProcess(['get'], { stdin: HOST, env, now: () => NOW });
  assert.equal(result.code, 0);
  assert.equal(JSON.parse(result.stdout).Secret, 'cached-password-4');
  assert.equal(
    result.stderr,
    'docker-credential-ecr: warning: not writing log file /proc/self/no/helper.log (ENOENT)\n',
  );
});

test('doctor and configure refuse an unknown option, pointing to their help, exit 1', async () => {
  for (const [command, message] of [
    ['doctor', /^docker-credential-ecr: doctor: unknown option --bogus; see `docker-credential-ecr doctor --help`\n$/],
    [
      'configure',
      /^docker-credential-ecr: configure: unknown option --bogus; see `docker-credential-ecr configure --help`\n$/,
    ],
  ] as const) {
    const result = await runInProcess([command, '--bogus'], { env: environment() });
    assert.equal(result.code, 1, command);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message);
  }
});

test('doctor --kubelet and kubelet-config refuse arguments they cannot use, naming them, exit 1', async () => {
  const cases: [string[], RegExp][] = [
    [
      ['doctor', '--bin-dir', '/bin'],
      /^docker-credential-ecr: doctor: --bin-dir goes with --kubelet FILE; see `docker-credential-ecr doctor --help`\n$/,
    ],
    [
      ['doctor', '--kubelet', '/etc/k.json', 'public.ecr.aws'],
      /^docker-credential-ecr: doctor: --kubelet checks the kubelet config only; check hosts in a separate run; see/,
    ],
    [['doctor', '--kubelet'], /^docker-credential-ecr: doctor: --kubelet needs a value; see/],
    [
      ['kubelet-config', '--name'],
      /^docker-credential-ecr: kubelet-config: --name needs a value; see `docker-credential-ecr kubelet-config --help`\n$/,
    ],
    [
      ['kubelet-config', '--bogus'],
      /^docker-credential-ecr: kubelet-config: unknown option --bogus; see `docker-credential-ecr kubelet-config --help`\n$/,
    ],
    [
      ['kubelet-config', '--node-config', 'etc/x.json'],
      /^docker-credential-ecr: kubelet-config: --node-config etc\/x\.json must be an absolute path/,
    ],
    [
      ['kubelet-config', '--name', 'bin/ecr'],
      /^docker-credential-ecr: kubelet-config: --name bin\/ecr must be a file name \(no "\/"\)\n$/,
    ],
  ];
  for (const [argv, message] of cases) {
    const result = await runInProcess(argv, { env: environment() });
    assert.equal(result.code, 1, argv.join(' '));
    assert.equal(result.stdout, '', argv.join(' '));
    assert.match(result.stderr, message);
  }
});

test('kubelet-config with a broken config file: the file and line, exit 1, nothing on stdout', async () => {
  const env = environment();
  const config = join(env.HOME, 'config.json');
  writeFileSync(config, '{\n  "registries": {\n    "images.example.com": { "target": "not-an-ecr-host" }\n  }\n}\n');
  const result = await runInProcess(['kubelet-config'], { env: { ...env, DOCKER_CREDENTIAL_ECR_CONFIG: config } });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(
    result.stderr,
    new RegExp(`^docker-credential-ecr: kubelet-config: ${config.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: .*target`),
  );
});
