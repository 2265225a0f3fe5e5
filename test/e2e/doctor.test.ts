// `doctor` through the built executable against the fake AWS: a good setup (every line ok, exit 0) and one broken
// setup per test (exit 1, and the fix that names the way out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable, type ExeResult } from '../support/executable';
import { tempDir } from '../support/temp';
import { shellWords } from '../support/shell';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const SECRET = 'doctor-secret-access-key-never-printed';
const fake = useFakeAws();

interface Setup {
  home: string;
  env: Record<string, string>;
}

/** A HOME whose Docker config holds `dockerConfig`, with the built executable on PATH and keys in the environment. */
function setup(dockerConfig: unknown = { credHelpers: { [HOST]: 'ecr' } }, extra: Record<string, string> = {}): Setup {
  const home = tempDir('dce-doctor-');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
  mkdirSync(join(home, '.docker'));
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify(dockerConfig, null, '\t'));
  return {
    home,
    env: {
      HOME: home,
      PATH: `${bin}:/usr/bin:/bin`,
      AWS_ACCESS_KEY_ID: 'AKIADOCTORTESTKEY001',
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_ENDPOINT_URL_ECR: fake.url,
      AWS_ENDPOINT_URL_ECR_PUBLIC: fake.url,
      AWS_ENDPOINT_URL_STS: fake.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: 'eu-west-1',
      DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '4000',
      ...extra,
    },
  };
}

const doctor = (s: Setup, ...args: string[]): Promise<ExeResult> => runExecutable(['doctor', ...args], { env: s.env });

/** The output line that reports `status` and matches `pattern`. */
function line(result: ExeResult, status: 'ok' | 'warn' | 'fail', pattern: RegExp): string {
  const found = result.stdout.split('\n').find((l) => l.startsWith(`${status.padEnd(4)}  `) && pattern.test(l));
  assert.ok(found, `no "${status}" line matching ${pattern} in:\n${result.stdout}`);
  return found;
}

function assertNoSecrets(result: ExeResult): void {
  const output = result.stdout + result.stderr;
  assert.doesNotMatch(output, new RegExp(SECRET));
  for (const token of fake.issued)
    assert.ok(!output.includes(token.password.slice(0, 24)), 'a token password was printed');
}

test('a good setup: every line ok, exit 0; the second run asks AWS again (issue 27: no verdict rests on the cache)', async () => {
  const s = setup();
  const first = await doctor(s);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const lines = first.stdout.trim().split('\n');
  // Issue 27: a clean plain run ends by suggesting `doctor IMAGE`, after the summary.
  assert.equal(
    lines.pop(),
    'The token side is sound. To ask the registry about an image as well: docker-credential-ecr doctor HOST/REPOSITORY:TAG',
  );
  const summary = lines.pop()!;
  assert.match(summary, /^\d+ ok, 0 warnings, 0 failed$/);
  for (const l of lines) assert.match(l, /^ok {4}/, l);
  line(
    first,
    'ok',
    new RegExp(`^ok {4}docker-credential-ecr \\d+\\.\\d+\\.\\d+ at ${EXECUTABLE.replace(/[.]/g, '\\.')}$`),
  );
  line(first, 'ok', /on PATH: .*\/bin\/docker-credential-ecr$/);
  line(first, 'ok', /Docker config .*\.docker\/config\.json/);
  line(first, 'ok', /123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com: credHelpers sends it to docker-credential-ecr/);
  line(
    first,
    'ok',
    /AWS identity arn:aws:iam::123456789012:user\/AKIADOCTORTESTKEY001 \(account 123456789012\), from environment variables/,
  );
  line(
    first,
    'ok',
    /ECR API in eu-west-1 via http:\/\/127\.0\.0\.1:\d+ as environment key AKIADOCTORTESTKEY001: token fetched from AWS now, valid until/,
  );
  line(first, 'ok', /cached token fresh until .*, then refreshed; it expires/);
  assert.equal(fake.callsFor('sts')[0]?.action, 'GetCallerIdentity');
  assert.equal(fake.callsFor('ecr').length, 1);
  assertNoSecrets(first);

  const second = await doctor(s);
  assert.equal(second.code, 0);
  line(second, 'ok', /token fetched from AWS now, valid until .*; the cache held one valid until/);
  assert.equal(fake.callsFor('ecr').length, 2, 'the verdict came from AWS, not from the cache');
});

test('--json: one object {ok, checks: [{name, status, message, fix?}]}', async () => {
  const good = await doctor(setup(), '--json');
  assert.equal(good.code, 0);
  const report = JSON.parse(good.stdout) as {
    ok: boolean;
    checks: Array<{ name: string; status: string; message: string; fix?: string }>;
  };
  assert.equal(report.ok, true);
  assert.ok(
    report.checks.every((c) => c.status === 'ok' && typeof c.message === 'string' && typeof c.name === 'string'),
  );
  assert.deepEqual(
    report.checks.map((c) => c.name),
    [
      'version',
      'path',
      'docker-config',
      'helper-config',
      `route:${HOST}`,
      'identity',
      'own-registry',
      'cache',
      `token:${HOST}`,
      `cache:${HOST}`,
    ],
  );

  fake.fail('ecr', 'access-denied');
  const bad = await doctor(setup(), '--json');
  assert.equal(bad.code, 1);
  const failed = JSON.parse(bad.stdout) as typeof report;
  assert.equal(failed.ok, false);
  const token = failed.checks.find((c) => c.name === `token:${HOST}`);
  assert.equal(token?.status, 'fail');
  assert.match(token?.fix ?? '', /needs IAM permission ecr:GetAuthorizationToken/);
  assertNoSecrets(bad);
});

test('helper not on PATH: fail, and the symlink command naming this executable', async () => {
  const s = setup();
  s.env.PATH = '/usr/bin:/bin';
  const result = await doctor(s);
  assert.equal(result.code, 1);
  const fail = line(
    result,
    'fail',
    /docker-credential-ecr is not on PATH, so Docker cannot run it.*; fix: sudo ln -s .* \/usr\/local\/bin\/docker-credential-ecr$/,
  );
  // As a shell splits it: the path stays one word wherever the checkout is (a space, a quote).
  assert.deepEqual(shellWords(fail.replace(/^.*; fix: /, '')), [
    'sudo',
    'ln',
    '-s',
    EXECUTABLE,
    '/usr/local/bin/docker-credential-ecr',
  ]);
});

test('host not routed to ecr (another helper, or no entry at all): fail, fix is configure --registry', async () => {
  // PATH without /usr/bin: this machine may have the Go helper there (the bench compares with it).
  const withGoHelperMissing = setup({ credHelpers: { [HOST]: 'ecr-login' } });
  withGoHelperMissing.env.PATH = join(withGoHelperMissing.home, 'bin');
  const other = await doctor(withGoHelperMissing);
  assert.equal(other.code, 1);
  // Not on PATH here: Docker cannot run it (with it installed it is a warning: test/e2e/doctor-verdicts/docker-config.test.ts).
  line(
    other,
    'fail',
    new RegExp(
      `credHelpers sends it to docker-credential-ecr-login, which is not on PATH, so Docker's pulls fail .*; fix: docker-credential-ecr configure --registry ${HOST.replace(/\./g, '\\.')}$`,
    ),
  );

  const none = await doctor(setup({ auths: {} }), HOST);
  assert.equal(none.code, 1);
  line(
    none,
    'fail',
    /not in credHelpers of .*config\.json, so Docker does not ask this helper; fix: docker-credential-ecr configure --registry 123456789012/,
  );

  const empty = await doctor(setup({}));
  assert.equal(empty.code, 1);
  line(empty, 'fail', /no ECR registry in .* goes to this helper; fix: docker-credential-ecr configure$/);
});

test('credsStore only: the store answers for the ECR host; fail and warn, both naming configure', async () => {
  const result = await doctor(setup({ credsStore: 'desktop' }), HOST);
  assert.equal(result.code, 1);
  line(
    result,
    'fail',
    /not in credHelpers, so credsStore "desktop" answers for it with the token docker login stored there, which expires after 12 hours.*; fix: docker-credential-ecr configure --registry 123456789012/,
  );
  line(
    result,
    'warn',
    /credsStore "desktop" answers for ECR hosts not in credHelpers: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com; fix: docker-credential-ecr configure --registry 123456789012/,
  );
});

/** What `docker login` with an ECR token leaves in `auths`: base64("AWS:" + base64(JSON with `expiration`)). */
function storedEcrLogin(expiresAtSeconds: number): string {
  const password = Buffer.from(
    JSON.stringify({
      payload: 'opaque',
      datakey: 'opaque',
      version: '2',
      type: 'DATA_KEY',
      expiration: expiresAtSeconds,
    }),
  ).toString('base64');
  return Buffer.from(`AWS:${password}`).toString('base64');
}

test('a stale token from docker login in auths: the cause of "authorization token has expired"; fix is configure, which removes it', async () => {
  const auth = storedEcrLogin(Math.floor(Date.now() / 1000) - 3600);
  const result = await doctor(setup({ auths: { [`https://${HOST}`]: { auth } } }));
  assert.equal(result.code, 1);
  const stale = line(result, 'fail', /Docker uses the token docker login stored in auths \(expired \S+, \d+ min ago\)/);
  assert.match(stale, /"denied: Your authorization token has expired\. Reauthenticate and try again\."/);
  assert.match(
    stale,
    /; fix: docker-credential-ecr configure --registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(it also removes the stored token\)$/,
  );
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(auth.slice(0, 24)));

  // Routed to this helper, Docker sends the stored login whenever the helper fails: a warning while it works.
  const routed = await doctor(setup({ auths: { [HOST]: { auth } }, credHelpers: { [HOST]: 'ecr' } }));
  assert.equal(routed.code, 0, routed.stdout);
  line(
    routed,
    'warn',
    /auths also holds a token docker login stored .*whenever the helper fails, Docker sends that token instead.*; fix: docker-credential-ecr configure --registry 123456789012/,
  );
});

test('AccessDenied from ECR: fail naming the IAM action', async () => {
  fake.fail('ecr', 'access-denied');
  const result = await doctor(setup());
  assert.equal(result.code, 1);
  line(result, 'ok', /AWS identity arn:aws:iam::123456789012/);
  line(
    result,
    'fail',
    /no token from the ECR API in eu-west-1 as environment key AKIADOCTORTESTKEY001: access denied .*; fix: the identity \(environment key AKIADOCTORTESTKEY001\) needs IAM permission ecr:GetAuthorizationToken$/,
  );
  assertNoSecrets(result);
});

test('no credentials: fail, fix is aws configure / aws sso login', async () => {
  const s = setup();
  delete (s.env as Record<string, string | undefined>).AWS_ACCESS_KEY_ID;
  delete (s.env as Record<string, string | undefined>).AWS_SECRET_ACCESS_KEY;
  const result = await doctor(s);
  assert.equal(result.code, 1);
  line(
    result,
    'fail',
    /AWS identity \(.*\): no usable credentials: no AWS credentials were found.*; fix: run `aws configure` or `aws sso login`, or set AWS_PROFILE$/,
  );
  line(
    result,
    'fail',
    /123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com: no token .*no AWS credentials were found.*; fix: run `aws configure`/,
  );
  assert.equal(fake.calls.length, 0);
});

test('expired credentials: fail, fix says how to renew them', async () => {
  fake.fail('sts', 'expired-credentials');
  fake.fail('ecr', 'expired-credentials');
  const result = await doctor(setup(undefined, { AWS_SESSION_TOKEN: 'doctor-session-token-never-printed' }));
  assert.equal(result.code, 1);
  line(
    result,
    'fail',
    /AWS identity .*STS GetCallerIdentity failed: the AWS credentials \(environment key AKIADOCTORTESTKEY001\) have expired; fix: refresh them: renew AWS_SESSION_TOKEN/,
  );
  line(result, 'fail', /no token from the ECR API .* have expired; fix: refresh them: renew AWS_SESSION_TOKEN/);
  assert.doesNotMatch(result.stdout + result.stderr, /doctor-session-token-never-printed/);
});

test('the AWS endpoints unreachable: fail, with the proxy hint', async () => {
  const dead = 'http://127.0.0.1:9';
  const result = await doctor(
    setup(undefined, { AWS_ENDPOINT_URL_ECR: dead, AWS_ENDPOINT_URL_STS: dead, AWS_ENDPOINT_URL_ECR_PUBLIC: dead }),
  );
  assert.equal(result.code, 1);
  line(
    result,
    'fail',
    /AWS identity .*cannot reach the STS API endpoint 127\.0\.0\.1:9 \(ECONNREFUSED\); fix: check the network; where only a proxy reaches the internet, set HTTPS_PROXY/,
  );
  line(
    result,
    'fail',
    /cannot reach the ECR API endpoint 127\.0\.0\.1:9 \(ECONNREFUSED\); fix: check the network; where only a proxy reaches the internet, set HTTPS_PROXY/,
  );
});

test('a custom host from the helper config: the entry, its target and identity are shown', async () => {
  const s = setup({ credHelpers: { 'registry.corp.example': 'ecr' } });
  const configFile = join(s.home, 'helper.json');
  writeFileSync(configFile, JSON.stringify({ registries: { 'registry.corp.example': { target: HOST } } }, null, 2));
  s.env.DOCKER_CREDENTIAL_ECR_CONFIG = configFile;
  const result = await doctor(s);
  assert.equal(result.code, 0, result.stdout);
  line(result, 'ok', /helper config .*helper\.json: 1 registry entry/);
  line(
    result,
    'ok',
    /registry\.corp\.example: entry "registry\.corp\.example" \(.*helper\.json:3\) stands for 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com; identity environment key/,
  );
  line(result, 'ok', /registry\.corp\.example: ECR API in eu-west-1 .*token fetched from AWS now/);
});

test('ECR Public without a token is a warning (public images are pulled anonymously): exit 0', async () => {
  fake.fail('ecr-public', 'access-denied');
  const result = await doctor(setup({ credHelpers: { 'public.ecr.aws': 'ecr' } }));
  assert.equal(result.code, 0, result.stdout);
  line(
    result,
    'warn',
    /public\.ecr\.aws: no token from the ECR Public API .*pulled anonymously.*; fix: .*ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken/,
  );
});

test('a Docker config and a helper config that do not parse: fail, naming file and line', async () => {
  const s = setup();
  writeFileSync(join(s.home, '.docker', 'config.json'), '{\n\t"credHelpers": {\n\t\t"x": "ecr",\n\t}\n}\n');
  const helperConfig = join(s.home, 'helper.json');
  writeFileSync(helperConfig, '{\n  "registries": {\n    "x": 1\n  }\n}\n');
  s.env.DOCKER_CREDENTIAL_ECR_CONFIG = helperConfig;
  const result = await doctor(s, HOST);
  assert.equal(result.code, 1);
  line(
    result,
    'fail',
    /config\.json:3: not valid JSON: a comma after the last entry, before "\}" \(JSON allows none there\).*; fix: remove the "," at the end of line 3 of /,
  );
  line(result, 'fail', /helper\.json:3: registry "x"/);
});

test('a cached token past its refresh point that cannot be refreshed: a failure (issue 27: pulls stop when it expires), saying until when it serves', async () => {
  // expiresAt comes in whole seconds, so a 6 s token lives between 5 and 7 s on our clock: its refresh is due
  // after at most 3.5 s, and it is still valid until at least 5 s.
  fake.setTokenLifetime(6);
  const s = setup();
  s.env.DOCKER_CREDENTIAL_ECR_TIMEOUT_MS = '1000';
  assert.equal((await runExecutable(['get'], { stdin: HOST, env: s.env })).code, 0);
  await new Promise((r) => setTimeout(r, 3_700));
  fake.fail('ecr', 'access-denied'); // not retried, so the refresh fails at once, well before the token expires
  const result = await doctor(s);
  assert.equal(result.code, 1, result.stdout);
  line(
    result,
    'fail',
    /pulls work until \S+ \(in \d+ min\) with the cached token; a new token is refused: access denied/,
  );
  line(result, 'warn', /cached token due for refresh; it expires/);
});

test('only public registries and no AWS credentials: warnings (anonymous pulls work), exit 0', async () => {
  const s = setup({ credHelpers: { 'public.ecr.aws': 'ecr', 'ecr-public.aws.com': 'ecr' } });
  delete (s.env as Record<string, string | undefined>).AWS_ACCESS_KEY_ID;
  delete (s.env as Record<string, string | undefined>).AWS_SECRET_ACCESS_KEY;
  const result = await doctor(s);
  assert.equal(result.code, 0, result.stdout);
  line(
    result,
    'warn',
    /AWS identity .*no AWS credentials were found.*only ECR Public uses it here.*; fix: run `aws configure`/,
  );
  line(result, 'warn', /public\.ecr\.aws: no token from the ECR Public API .*pulled anonymously/);
});

test('networks without STS: a proxy refusing STS is "not from AWS", a warning while tokens work, never "access denied"', async () => {
  const s = setup();
  fake.fail('sts', 'proxy-refusal', { times: 10 });
  const result = await doctor(s);
  assert.equal(result.code, 0, result.stdout);
  const warning = line(result, 'warn', /AWS identity/);
  assert.match(
    warning,
    /STS GetCallerIdentity failed: the answer from the STS API endpoint is not from AWS \(HTTP 403 without an AWS error/,
  );
  assert.match(warning, /tokens are fetched all the same, so pulls work/);
  assert.doesNotMatch(result.stdout, /access denied/i);
  line(result, 'ok', new RegExp(`token fetched from AWS now`));
});

test('networks without STS: an unreachable STS is a warning while tokens work, a failure when they do not', async () => {
  const works = await doctor(setup(undefined, { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' }));
  assert.equal(works.code, 0, works.stdout);
  assert.match(
    line(works, 'warn', /AWS identity/),
    /cannot reach the STS API endpoint 127\.0\.0\.1:9 \(ECONNREFUSED\).*pulls work/,
  );
  fake.fail('ecr', 'access-denied', { times: 10 });
  const broken = await doctor(setup(undefined, { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' }));
  assert.equal(broken.code, 1);
  assert.match(line(broken, 'fail', /AWS identity/), /cannot reach the STS API endpoint/);
  assert.match(line(broken, 'fail', /token|GetAuthorizationToken/), /ecr:GetAuthorizationToken/);
});

test('a refused GetCallerIdentity (it needs no permission) names no IAM action at all; a failure when tokens fail too', async () => {
  fake.fail('sts', 'access-denied', { times: 10 });
  fake.fail('ecr', 'access-denied', { times: 10 });
  const result = await doctor(setup());
  assert.equal(result.code, 1);
  const failure = line(result, 'fail', /AWS identity/);
  assert.match(failure, /refused the call .*which needs no IAM permission/);
  assert.doesNotMatch(failure, /IAM permission (sts|ecr|ecr-public):/);
});

test("a podman login stored in containers' auth file shadows the helper: a warning with the way out", async () => {
  const s = setup();
  const runtime = join(s.home, 'run');
  mkdirSync(join(runtime, 'containers'), { recursive: true });
  const authFile = join(runtime, 'containers', 'auth.json');
  const stored = { auths: { [HOST]: { auth: Buffer.from('AWS:stored-token').toString('base64') } } };
  writeFileSync(authFile, JSON.stringify(stored));
  s.env.XDG_RUNTIME_DIR = runtime;
  const result = await doctor(s);
  assert.equal(result.code, 0, result.stdout);
  const warning = line(result, 'warn', /holds a stored login/);
  assert.ok(warning.includes(`${authFile} holds a stored login for ${HOST} (from \`podman login\`)`), warning);
  assert.match(
    warning,
    new RegExp(`fix: docker-credential-ecr configure --containers --registry ${HOST.replace(/\./g, '\\.')}$`),
  );
  assert.doesNotMatch(result.stdout, /stored-token/);
  // The fix as printed: the stored login goes, the helper is named there, and the warning with it.
  const fixed = await runExecutable(warning.split('; fix: docker-credential-ecr ')[1].split(' '), { env: s.env });
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.match(
    fixed.stdout,
    /Removed the login stored in "auths" for 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/,
  );
  assert.deepEqual(JSON.parse(readFileSync(authFile, 'utf8')), { auths: {}, credHelpers: { [HOST]: 'ecr' } });
  assert.doesNotMatch((await doctor(s)).stdout, /holds a stored login/);

  // With the helper named in that same file, its credHelpers entry comes first: nothing to warn about.
  writeFileSync(authFile, JSON.stringify({ ...stored, credHelpers: { [HOST]: 'ecr' } }));
  const fine = await doctor(s);
  assert.doesNotMatch(fine.stdout, /holds a stored login/);
});
