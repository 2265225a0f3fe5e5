// The real docker CLI runs the built helper through credHelpers, against a fake Docker Engine (no engine
// runs on the test machines) and the fake AWS: what the engine receives in X-Registry-Auth is what a real
// registry would get.
//
// What docker CLI 28.2 sends the helper on stdin (recorded by the last tests here):
// - `docker pull <host>/repo:tag`: `get` with the bare host, no scheme, no path, no trailing newline.
// - `docker login <host>`: `get` (same form), then POST /auth with those credentials, then `store` with
//   {"ServerURL":"<host>","Username":"AWS","Secret":"<token>"} plus a trailing "\n" (Go's json.Encoder).
// - `docker logout <host>`: `erase` with the bare host, twice (it tries serverAddress and its host name,
//   the same string here; the http:// and https:// variants it also tries are not in credHelpers, so they
//   go to the config file's own store, not to the helper).
//
// What docker CLI 28.2 does with a helper that fails (exit 1, message on stdout): the helper's stderr
// passes straight through to docker's stderr, the CLI itself prints nothing about it, and the pull goes on
// with empty credentials (X-Registry-Auth `{}`); the registry's refusal then fails the pull.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PullRecord } from '../support/fake-docker-engine';
import { useFakeAws, useFakeDockerEngine } from '../support/use-fake-aws';
import { assertBuilt } from '../support/executable';
import {
  fixedAnswerHelper,
  helperEnv,
  junkHelper,
  linkHelper,
  pathWith,
  recordedCalls,
  recordingHelper,
} from '../support/helper-bin';
import { runCommand, transcript, type CommandResult } from '../support/command';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';

const ECR_HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const PUBLIC_HOST = 'public.ecr.aws';
const ECR_IMAGE = `${ECR_HOST}/repo:tag`;
const PUBLIC_IMAGE = `${PUBLIC_HOST}/alias/repo:tag`;

let docker: string;
let realBin: string;

/** As ECR would decide: private repositories need a token AWS issued; ECR Public also serves anonymous pulls. */
function registryAccepts(pull: PullRecord): boolean {
  const auth = pull.auth ?? {};
  if (!auth.username && !auth.password) return pull.fromImage.startsWith(`${PUBLIC_HOST}/`);
  return auth.username === 'AWS' && fake.issued.some((token) => token.password === auth.password);
}

// At load time, not in before(): node:test runs an after() registered inside before() as soon as before() ends.
const root = tempDir('dce-docker-');
const fake = useFakeAws();
const engine = useFakeDockerEngine({ authorize: registryAccepts });

before(async () => {
  docker = requireTool('docker');
  assertBuilt();
  realBin = linkHelper(join(root, 'bin'));
});

/** A fresh DOCKER_CONFIG whose config.json sends both ECR hosts to docker-credential-ecr. */
function dockerConfig(): string {
  const dir = tempDir('dce-docker-config-');
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ credHelpers: { [ECR_HOST]: 'ecr', [PUBLIC_HOST]: 'ecr' } }, null, 2),
  );
  return dir;
}

interface Session {
  run(args: string[]): Promise<CommandResult>;
  configDir: string;
  home: string;
}

/** docker with its own config and HOME (so its own helper cache), finding docker-credential-ecr in bin. */
function session(bin = realBin): Session {
  const configDir = dockerConfig();
  const home = tempDir('dce-docker-home-');
  const env = { ...helperEnv(fake.url, home), PATH: pathWith(bin), DOCKER_HOST: engine.host, DOCKER_CONFIG: configDir };
  return { configDir, home, run: (args) => runCommand(docker, args, { env, timeoutMs: 20_000 }) };
}

test('docker pull of a private ECR image sends the registry exactly the token AWS issued', async () => {
  const s = session();
  const result = await s.run(['pull', ECR_IMAGE]);
  assert.equal(result.code, 0, transcript(result));
  assert.equal(result.stderr, '');
  assert.match(result.stdout, new RegExp(`Status: Downloaded newer image for ${ECR_IMAGE.replace(/\./g, '\\.')}`));
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.equal(fake.callsFor('ecr')[0].region, 'us-east-1');
  assert.equal(fake.issued.length, 1);
  assert.deepEqual(
    engine.pulls.map((p) => [p.fromImage, p.tag]),
    [[`${ECR_HOST}/repo`, 'tag']],
  );
  assert.deepEqual(engine.pulls[0].auth, {
    username: 'AWS',
    password: fake.issued[0].password,
    serveraddress: ECR_HOST,
  });

  const again = await s.run(['pull', ECR_IMAGE]);
  assert.equal(again.code, 0, transcript(again));
  assert.equal(fake.callsFor('ecr').length, 1, 'the second pull must be served from the cache');
  assert.equal(engine.pulls[1].auth?.password, fake.issued[0].password);
});

test('docker pull from ECR Public sends the ECR Public token', async () => {
  const result = await session().run(['pull', PUBLIC_IMAGE]);
  assert.equal(result.code, 0, transcript(result));
  assert.equal(result.stderr, '');
  assert.equal(fake.callsFor('ecr-public').length, 1);
  assert.equal(fake.callsFor('ecr-public')[0].region, 'us-east-1');
  assert.equal(fake.callsFor('ecr').length, 0);
  assert.deepEqual(engine.pulls[0].auth, {
    username: 'AWS',
    password: fake.issued[0].password,
    serveraddress: PUBLIC_HOST,
  });
});

test('a failing AWS call: docker shows the helper explanation, pulls anonymously, and the registry refuses', async () => {
  fake.fail('ecr', 'access-denied');
  const result = await session().run(['pull', ECR_IMAGE]);
  assert.equal(result.code, 1, transcript(result));
  // The helper's stderr line, passed through unchanged by docker.
  assert.match(
    result.stderr,
    /^docker-credential-ecr: 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com: no token from the ECR API in us-east-1 as environment key AKIAE2ETESTKEY000001: access denied .*needs IAM permission ecr:GetAuthorizationToken$/m,
  );
  assert.doesNotMatch(result.stderr + result.stdout, /e2e-secret-access-key/);
  // docker 28 says nothing of its own about the helper failing and goes on with empty credentials ...
  assert.deepEqual(
    engine.pulls.map((p) => p.auth),
    [{}],
  );
  // ... which the registry refuses; docker prints the engine's error after the helper's line.
  assert.match(
    result.stderr,
    /\nError response from daemon: Head "https:\/\/123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/v2\/repo\/manifests\/tag": no basic auth credentials\n$/,
  );
  assert.equal(fake.callsFor('ecr').length, 1);
});

test('a failing ECR Public call: the warning shows and docker pulls anonymously, successfully', async () => {
  fake.fail('ecr-public', 'access-denied');
  const result = await session().run(['pull', PUBLIC_IMAGE]);
  assert.equal(result.code, 0, transcript(result));
  assert.match(
    result.stderr,
    /^docker-credential-ecr: warning: public\.ecr\.aws: .*ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken; pulling public\.ecr\.aws anonymously$/m,
  );
  assert.deepEqual(
    engine.pulls.map((p) => p.auth),
    [{}],
  );
});

test('docker login checks the helper token with the engine and stores nothing; docker logout erases the cache', async () => {
  const s = session();
  const login = await s.run(['login', ECR_HOST]);
  assert.equal(login.code, 0, transcript(login));
  assert.equal(login.stdout, 'Login Succeeded\n');
  assert.match(login.stderr, /Authenticating with existing credentials\.\.\. \[Username: AWS\]/);
  assert.match(login.stderr, /docker-credential-ecr: warning: docker login is not needed with this helper/);
  assert.deepEqual(engine.logins, [{ username: 'AWS', password: fake.issued[0].password, serveraddress: ECR_HOST }]);
  // The token went to the helper's store (which keeps nothing), never into config.json.
  const config = readFileSync(join(s.configDir, 'config.json'), 'utf8');
  assert.doesNotMatch(config, new RegExp(fake.issued[0].password));
  assert.equal(JSON.parse(config).credHelpers[ECR_HOST], 'ecr');

  const logout = await s.run(['logout', ECR_HOST]);
  assert.equal(logout.code, 0, transcript(logout));
  assert.equal(logout.stdout, `Removing login credentials for ${ECR_HOST}\n`);

  // erase dropped the cached token: the next pull asks AWS again and gets the new token.
  const pull = await s.run(['pull', ECR_IMAGE]);
  assert.equal(pull.code, 0, transcript(pull));
  assert.equal(fake.callsFor('ecr').length, 2);
  assert.equal(engine.pulls[0].auth?.password, fake.issued[1].password);
});

test('what docker CLI 28 sends the helper on stdin, exactly', async () => {
  const root = tempDir('dce-docker-rec-');
  const logDir = join(root, 'stdin');
  const s = session(recordingHelper(join(root, 'bin'), logDir));
  for (const args of [
    ['pull', ECR_IMAGE],
    ['pull', PUBLIC_IMAGE],
    ['login', ECR_HOST],
    ['logout', ECR_HOST],
  ]) {
    const result = await s.run(args);
    assert.equal(result.code, 0, `docker ${args.join(' ')}: ${transcript(result)}`);
  }
  const ecrToken = fake.issued.find((t) => t.service === 'ecr')!.password;
  assert.deepEqual(recordedCalls(logDir), [
    { action: 'get', stdin: ECR_HOST },
    { action: 'get', stdin: PUBLIC_HOST },
    { action: 'get', stdin: ECR_HOST },
    { action: 'store', stdin: `${JSON.stringify({ ServerURL: ECR_HOST, Username: 'AWS', Secret: ecrToken })}\n` },
    { action: 'erase', stdin: ECR_HOST },
    { action: 'erase', stdin: ECR_HOST },
  ]);
});

// Tests of the tests: a helper that misbehaves must make the assertions above fail.

test('test of the test: a line printed before the answer makes docker drop the credentials', async () => {
  const root = tempDir('dce-docker-junk-');
  const result = await session(junkHelper(join(root, 'bin'), 'before', 'debug: fetching token')).run([
    'pull',
    ECR_IMAGE,
  ]);
  assert.equal(fake.issued.length, 1, 'the helper itself did get a token');
  assert.notDeepEqual(engine.pulls[0].auth, {
    username: 'AWS',
    password: fake.issued[0].password,
    serveraddress: ECR_HOST,
  });
  assert.deepEqual(engine.pulls[0].auth, {});
  assert.equal(result.code, 1, transcript(result));
  // docker says nothing about the unreadable answer: only the registry's refusal shows.
  assert.match(result.stderr, /^Error response from daemon: [^\n]*no basic auth credentials\n$/);
});

test('test of the test: a wrong secret reaches the registry and is refused', async () => {
  const root = tempDir('dce-docker-wrong-');
  const result = await session(fixedAnswerHelper(join(root, 'bin'), 'AWS', 'not-the-token')).run(['pull', ECR_IMAGE]);
  assert.equal(engine.pulls[0].auth?.password, 'not-the-token');
  assert.equal(result.code, 1, transcript(result));
  assert.match(result.stderr, /^Error response from daemon: [^\n]*unauthorized: authentication required\n$/);
});

test('docker ignores anything after the first JSON value on stdout (so get.test.ts asserts stdout byte for byte)', async () => {
  const root = tempDir('dce-docker-trailing-');
  const result = await session(junkHelper(join(root, 'bin'), 'after', 'trailing junk')).run(['pull', ECR_IMAGE]);
  assert.equal(result.code, 0, transcript(result));
  assert.equal(engine.pulls[0].auth?.password, fake.issued[0].password);
});
