// `"credsStore": "ecr"` end to end: the real docker CLI, against the fake Docker Engine, with the built helper as
// its only store; a real registry (CNCF distribution, TLS, htpasswd) serving a non-ECR host name, which the
// engine asks whether the credentials it got would do; and Debian's docker-credential-pass (with a throwaway
// GnuPG key) as the store behind us. `docker login/pull/logout` of the other host land in and leave `pass`; an
// ECR host in a region no config names is pulled with our token; `pass` never sees an ECR host.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { startFakeDockerEngine, type FakeDockerEngine, type RegistryAuth } from '../support/fake-docker-engine';
import { assertBuilt, runExecutable } from '../support/executable';
import { helperEnv, linkHelper, pathWith, recordedCalls, recordingHelper } from '../support/helper-bin';
import { runCommand, transcript, type CommandResult } from '../support/command';
import { makePassStore, type PassStore } from '../support/pass-store';
import { startRegistry, type Registry } from '../support/registry';
import { makeCa, makeLeaf, type CaFiles } from '../support/tls';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { shellQuote } from '../support/shell';
import { chmodSync, mkdirSync } from 'node:fs';

const OTHER_HOST = 'registry.example.test';
const OTHER_USER = 'alice';
const OTHER_PASSWORD = 'other-registry-password-1';
// No config file, credHelpers entry or profile names this account or region.
const ECR_HOST = '210987654321.dkr.ecr.ap-southeast-7.amazonaws.com';
const DOCKER_HUB = 'https://index.docker.io/v1/';

const root = tempDir('dce-store-');
let docker: string;
let fake: FakeAws;
let engine: FakeDockerEngine;
let registry: Registry | undefined;
let ca: CaFiles;
let passStore: PassStore;
let bin: string;
const passLog = join(root, 'pass-calls');

/** Asks the real registry, as the engine would, whether these credentials may read /v2/ (GET, basic auth). */
function registryAccepts(auth: RegistryAuth | undefined): Promise<boolean> {
  if (!auth?.username || !auth.password) return Promise.resolve(false);
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: registry!.port,
        servername: OTHER_HOST,
        ca: readFileSync(ca.certFile),
        path: '/v2/',
        headers: { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` },
      },
      (res) => {
        res.resume();
        done(res.statusCode === 200);
      },
    );
    req.on('error', () => done(false));
    req.end();
  });
}

before(async () => {
  docker = requireTool('docker');
  requireTool('docker-registry');
  requireTool('openssl');
  assertBuilt();
  passStore = makePassStore(join(root, 'pass'));
  fake = await startFakeAws();
  ca = makeCa(join(root, 'ca'));
  const leaf = makeLeaf(ca, join(root, 'certs'), [OTHER_HOST]);
  registry = await startRegistry({
    dir: join(root, 'registry'),
    certFile: leaf.certFile,
    keyFile: leaf.keyFile,
    users: { [OTHER_USER]: OTHER_PASSWORD },
  });
  // The other registry is asked for real; ECR would take exactly a token the fake AWS issued.
  const ecrAccepts = (auth: RegistryAuth | undefined): boolean =>
    auth?.username === 'AWS' && fake.issued.some((t) => t.password === auth.password);
  engine = await startFakeDockerEngine({
    authorize: (pull) =>
      pull.fromImage.startsWith(`${OTHER_HOST}/`) ? registryAccepts(pull.auth) : ecrAccepts(pull.auth),
    authorizeLogin: (auth) =>
      auth.serveraddress === OTHER_HOST
        ? registryAccepts(auth)
        : auth.serveraddress === DOCKER_HUB
          ? auth.username === 'bob' && auth.password === 'hub-password'
          : ecrAccepts(auth),
  });
  bin = linkHelper(join(root, 'bin'));
  // docker-credential-recpass: records each call's action and stdin, then runs the real docker-credential-pass.
  const passHelper = requireTool('docker-credential-pass');
  mkdirSync(passLog);
  const wrapper = join(bin, 'docker-credential-recpass');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nf=${shellQuote(passLog)}/$(date +%s%N)-$$-"$1"\ncat > "$f"\nexec ${shellQuote(passHelper)} "$@" < "$f"\n`,
  );
  chmodSync(wrapper, 0o755);
});
after(async () => {
  await engine?.close();
  await registry?.close();
  await fake?.close();
  passStore?.close();
});
beforeEach(() => {
  fake.reset();
  engine.reset();
});

interface Session {
  run(args: string[], stdin?: string): Promise<CommandResult>;
  helper(args: string[], stdin?: string): ReturnType<typeof runExecutable>;
  configDir: string;
  helperConfig: string;
}

/**
 * docker with `"credsStore": "ecr"` and nothing else (or `dockerConfig` as given); the helper config names
 * `store` (or nothing) behind it.
 */
function session(
  store: string | undefined,
  dockerConfig: object = { credsStore: 'ecr' },
  extraEnv: Record<string, string> = {},
): Session {
  const configDir = tempDir('dce-store-docker-');
  writeFileSync(join(configDir, 'config.json'), JSON.stringify(dockerConfig, null, '\t'));
  const home = tempDir('dce-store-home-');
  const helperConfig = join(home, 'helper-config.json');
  // DOCKER_CREDENTIAL_ECR_CONFIG names it, so it must exist (a named file that is missing is an error).
  writeFileSync(helperConfig, JSON.stringify(store ? { credsStore: store } : {}));
  const env = {
    ...helperEnv(fake.url, home),
    ...passStore.env,
    PATH: pathWith(bin),
    DOCKER_HOST: engine.host,
    DOCKER_CONFIG: configDir,
    DOCKER_CREDENTIAL_ECR_CONFIG: helperConfig,
    ...extraEnv,
  };
  return {
    configDir,
    helperConfig,
    run: (args, stdin) =>
      runCommand(docker, args, { env, timeoutMs: 20_000, ...(stdin === undefined ? {} : { stdin }) }),
    helper: (args, stdin) => runExecutable(args, { env, ...(stdin === undefined ? {} : { stdin }) }),
  };
}

test('docker login, pull and logout of another registry land in pass and leave it; pass never sees an ECR host', async () => {
  const s = session('recpass');
  const login = await s.run(['login', '--username', OTHER_USER, '--password-stdin', OTHER_HOST], OTHER_PASSWORD);
  assert.equal(login.code, 0, transcript(login));
  assert.match(login.stdout, /Login Succeeded/);
  assert.doesNotMatch(login.stderr, /docker login is not needed/);
  // In pass, not in config.json.
  assert.deepEqual(passStore.list(), { [OTHER_HOST]: OTHER_USER });
  assert.doesNotMatch(readFileSync(join(s.configDir, 'config.json'), 'utf8'), new RegExp(OTHER_PASSWORD));

  const pull = await s.run(['pull', `${OTHER_HOST}/team/app:v1`]);
  assert.equal(pull.code, 0, transcript(pull));
  assert.deepEqual(engine.pulls.at(-1)!.auth, {
    username: OTHER_USER,
    password: OTHER_PASSWORD,
    serveraddress: OTHER_HOST,
  });
  assert.equal(fake.calls.length, 0, 'no AWS call for another registry');

  // An ECR host no configuration names: our token, from the region in the host.
  const ecr = await s.run(['pull', `${ECR_HOST}/repo:tag`]);
  assert.equal(ecr.code, 0, transcript(ecr));
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.equal(fake.callsFor('ecr')[0].region, 'ap-southeast-7');
  assert.deepEqual(engine.pulls.at(-1)!.auth, {
    username: 'AWS',
    password: fake.issued[0].password,
    serveraddress: ECR_HOST,
  });

  // list merges both stores.
  const list = await s.helper(['list'], 'unused');
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(JSON.parse(list.stdout), { [OTHER_HOST]: OTHER_USER, [`https://${ECR_HOST}`]: 'AWS' });

  const logout = await s.run(['logout', OTHER_HOST]);
  assert.equal(logout.code, 0, transcript(logout));
  assert.deepEqual(passStore.list(), {});
  const after = await s.run(['pull', `${OTHER_HOST}/team/app:v1`]);
  assert.notEqual(after.code, 0, 'after logout the registry refuses the anonymous pull');

  // docker login and logout of the ECR host never reach pass.
  const ecrLogin = await s.run(['login', ECR_HOST]);
  assert.equal(ecrLogin.code, 0, transcript(ecrLogin));
  const ecrLogout = await s.run(['logout', ECR_HOST]);
  assert.equal(ecrLogout.code, 0, transcript(ecrLogout));

  const calls = recordedCalls(passLog);
  assert.ok(calls.length >= 5, JSON.stringify(calls));
  for (const call of calls)
    assert.doesNotMatch(call.stdin, /amazonaws|dkr\.ecr|ecr\.aws/, `pass was handed ${call.action} ${call.stdin}`);
  // Verbatim: exactly what docker sent us.
  assert.deepEqual(
    calls.find((c) => c.action === 'store')!.stdin,
    `${JSON.stringify({ ServerURL: OTHER_HOST, Username: OTHER_USER, Secret: OTHER_PASSWORD })}\n`,
  );
  assert.ok(calls.some((c) => c.action === 'get' && c.stdin === OTHER_HOST));
  assert.ok(calls.some((c) => c.action === 'erase' && c.stdin === OTHER_HOST));
  assert.ok(calls.some((c) => c.action === 'list' && c.stdin === 'unused'));
});

test('with no store named, the platform one (pass, as Docker picks it on Linux) takes the other registries', async () => {
  const s = session(undefined);
  // docker-credential-pass is on the PATH the helper gets (/usr/bin), and so is pass.
  const login = await s.run(['login', '--username', OTHER_USER, '--password-stdin', OTHER_HOST], OTHER_PASSWORD);
  assert.equal(login.code, 0, transcript(login));
  assert.deepEqual(passStore.list(), { [OTHER_HOST]: OTHER_USER });
  const logout = await s.run(['logout', OTHER_HOST]);
  assert.equal(logout.code, 0, transcript(logout));
  assert.deepEqual(passStore.list(), {});
});

test('with no store behind us, docker login to another registry fails saying how to name one; pulls go on anonymously', async () => {
  const s = session('none');
  const before = passStore.list();
  const login = await s.run(['login', '--username', OTHER_USER, '--password-stdin', OTHER_HOST], OTHER_PASSWORD);
  assert.equal(login.code, 1, transcript(login));
  assert.match(
    login.stderr,
    /docker-credential-ecr stores no credentials for registry\.example\.test, which is not an ECR registry: no credential store for registries other than ECR \("credsStore": "none" in .*helper-config\.json\); name one in .*helper-config\.json \("credsStore": "pass"/,
  );
  assert.deepEqual(passStore.list(), before, 'nothing landed in pass');

  const get = await s.helper(['get'], OTHER_HOST);
  assert.equal(get.code, 1);
  assert.equal(get.stdout, 'credentials not found in native keychain\n');
  const pull = await s.run(['pull', `${OTHER_HOST}/team/app:v1`]);
  assert.deepEqual(engine.pulls.at(-1)!.auth, {}, 'docker pulls anonymously after "not found"');
  assert.notEqual(pull.code, 0);
});

test('a store named in the config but not installed: get says so and answers not found; store fails naming it', async () => {
  const s = session('nosuchstore');
  const get = await s.helper(['get'], OTHER_HOST);
  assert.equal(get.code, 1);
  assert.equal(get.stdout, 'credentials not found in native keychain\n');
  assert.match(get.stderr, /docker-credential-nosuchstore \(named in .*\) is not on PATH; pulling anonymously/);
  const store = await s.helper(['store'], JSON.stringify({ ServerURL: OTHER_HOST, Username: 'u', Secret: 'p' }));
  assert.equal(store.code, 1);
  assert.match(store.stdout, /docker-credential-nosuchstore .* is not on PATH; install it or fix the name/);
  assert.doesNotMatch(store.stdout + store.stderr, /"Secret"|\bp\b"/);
  const erase = await s.helper(['erase'], OTHER_HOST);
  assert.equal(erase.code, 1);
  assert.match(erase.stdout, /^docker-credential-nosuchstore \(named in .*\) is not on PATH\n$/);
});

test('configure --all-registries: credsStore pass -> ecr with pass behind it, shown as a diff; Docker Hub logins land in pass', async () => {
  const s = session(undefined, { auths: {}, credsStore: 'pass', currentContext: 'default' });
  const dry = await s.helper(['configure', '--all-registries', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^-\t"credsStore": "pass",$/m);
  assert.match(dry.stdout, /^\+\t"credsStore": "ecr",$/m);
  assert.match(dry.stdout, /^\+\t"credsStore": "pass"$/m);
  assert.match(dry.stdout, /Dry run: .* was not written\./);
  assert.equal(JSON.parse(readFileSync(join(s.configDir, 'config.json'), 'utf8')).credsStore, 'pass');

  const result = await s.helper(['configure', '--all-registries']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(s.configDir, 'config.json'), 'utf8')), {
    auths: {},
    credsStore: 'ecr',
    currentContext: 'default',
  });
  assert.deepEqual(JSON.parse(readFileSync(s.helperConfig, 'utf8')), { credsStore: 'pass' });
  assert.match(
    result.stdout,
    /Other registries \(Docker Hub, ghcr\.io, \.\.\.\) go on to docker-credential-pass: their logins stay where they are\./,
  );

  // docker login -u bob (Docker Hub): into pass, and no "docker login is not needed" (issue 17's report).
  const hub = await s.run(['login', '--username', 'bob', '--password-stdin'], 'hub-password');
  assert.equal(hub.code, 0, transcript(hub));
  assert.doesNotMatch(hub.stderr, /not needed/);
  assert.equal(passStore.list()[DOCKER_HUB], 'bob');
  const ecr = await s.run(['pull', `${ECR_HOST}/repo:tag`]);
  assert.equal(ecr.code, 0, transcript(ecr));

  // doctor: one verdict, ok; the ECR host routes to us.
  const doctor = await s.helper(['doctor', ECR_HOST]);
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  assert.match(
    doctor.stdout,
    /^ok    credsStore "ecr": every ECR registry \(any account and region, and ECR Public\) goes to this helper; other registries \(Docker Hub, ghcr\.io, \.\.\.\) go on to docker-credential-pass at \/\S+ \(named in /m,
  );
  assert.match(
    doctor.stdout,
    /^ok    210987654321\.dkr\.ecr\.ap-southeast-7\.amazonaws\.com: credsStore "ecr" sends it to docker-credential-ecr$/m,
  );
  assert.doesNotMatch(doctor.stdout, /^(fail|warn) .*credsStore/m);

  const undo = await s.helper(['configure', '--undo-all-registries']);
  assert.equal(undo.code, 0, undo.stderr);
  assert.match(undo.stdout, /^-\t"credsStore": "ecr",$/m);
  // (docker login added an empty auths entry for Docker Hub, as it does with any store.)
  assert.deepEqual(JSON.parse(readFileSync(join(s.configDir, 'config.json'), 'utf8')), {
    auths: { [DOCKER_HUB]: {} },
    credsStore: 'pass',
    currentContext: 'default',
  });
  assert.deepEqual(JSON.parse(readFileSync(s.helperConfig, 'utf8')), {});
  // The Docker Hub login is still in pass, where Docker now looks for it directly.
  assert.equal(passStore.list()[DOCKER_HUB], 'bob');
  const logout = await s.run(['logout']);
  assert.equal(logout.code, 0, transcript(logout));
  assert.equal(passStore.list()[DOCKER_HUB], undefined);
});

test('doctor with credsStore "ecr" and no ECR host in the config: one verdict (a warning without a store), no false failure', async () => {
  const s = session('none');
  const doctor = await s.helper(['doctor']);
  assert.doesNotMatch(doctor.stdout, /^fail/m, doctor.stdout);
  assert.equal(doctor.code, 0, doctor.stdout);
  const verdicts = doctor.stdout.split('\n').filter((line) => /credsStore/.test(line));
  assert.equal(verdicts.length, 1, doctor.stdout);
  assert.match(
    verdicts[0],
    /^warn  credsStore "ecr": .*there is no store for other registries \("credsStore": "none" in .*\): docker login to Docker Hub or ghcr\.io fails and their pulls are anonymous; fix: remove "credsStore": "none"/,
  );

  const missing = await session('nosuchstore').helper(['doctor']);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stdout,
    /^fail  credsStore "ecr": .*docker-credential-nosuchstore \(named in .*\), which is not on PATH.*; fix: install docker-credential-nosuchstore, or fix "credsStore"/m,
  );
});

test('skopeo (containers/image) does not read credsStore, in its auth file or the Docker config: the README says so', async () => {
  const skopeo = requireTool('skopeo');
  const dir = tempDir('dce-store-skopeo-');
  const calls = join(dir, 'calls');
  const recBin = recordingHelper(join(dir, 'bin'), calls);
  writeFileSync(join(dir, 'auth.json'), JSON.stringify({ credsStore: 'ecr' }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: 'ecr' }));
  const result = await runCommand(skopeo, ['login', '--get-login', ECR_HOST], {
    env: {
      ...helperEnv(fake.url, dir),
      PATH: pathWith(recBin),
      REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
      DOCKER_CONFIG: dir,
    },
  });
  assert.equal(result.code, 1, transcript(result));
  assert.match(result.stderr, /not logged into 210987654321\.dkr\.ecr\.ap-southeast-7\.amazonaws\.com/);
  assert.deepEqual(recordedCalls(calls), []);
  // Test of the test: with credHelpers, the same command does ask the helper.
  writeFileSync(join(dir, 'auth.json'), JSON.stringify({ credHelpers: { [ECR_HOST]: 'ecr' } }));
  const named = await runCommand(skopeo, ['login', '--get-login', ECR_HOST], {
    env: {
      ...helperEnv(fake.url, dir),
      PATH: pathWith(recBin),
      REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
      DOCKER_CONFIG: dir,
    },
  });
  assert.equal(named.code, 0, transcript(named));
  assert.deepEqual(
    recordedCalls(calls).map((c) => c.action),
    ['get'],
  );
});

test('doctor tries the store behind us: a pass that was never initialised is a warning with the fix, not an ok', async () => {
  const empty = tempDir('dce-store-nopass-');
  const s = session(
    'pass',
    { credsStore: 'ecr' },
    { PASSWORD_STORE_DIR: join(empty, 'store'), GNUPGHOME: join(empty, 'gnupg') },
  );
  const doctor = await s.helper(['doctor']);
  assert.equal(doctor.code, 0, doctor.stdout);
  assert.match(
    doctor.stdout,
    /^warn  credsStore "ecr": .*docker-credential-pass at .+ \(named in .*\), but it does not work: pass has no store at .+ \(no \.gpg-id: `pass init` was never run\); docker login to them will fail; fix: set up pass for your user: `gpg --quick-gen-key <you>` \(if you have no key\), then `pass init <key id>`$/m,
  );

  // And it is true: docker login to another registry then fails in pass.
  const login = await s.run(['login', '--username', OTHER_USER, '--password-stdin', OTHER_HOST], OTHER_PASSWORD);
  assert.equal(login.code, 1, transcript(login));
  assert.match(login.stderr, /pass not initialized/);

  // The working store of the other tests: ok, with how many logins it holds.
  const working = await session('pass').helper(['doctor']);
  assert.match(
    working.stdout,
    /^ok    credsStore "ecr": .*go on to docker-credential-pass at .+ \(named in .*\), which holds \d+ logins?$/m,
  );
});
