// Issue 17: every `doctor` verdict is true and every fix works, through the built executable. Each set-up is
// shown before (doctor's exit code and verdict line), the fix is applied exactly as doctor printed it, and then
// shown working: by doctor again and, where Docker is the one that fails, by the real docker CLI against a fake
// engine (what the engine receives is what a registry would get).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable, type ExeResult } from '../support/executable';
import { startFakeDockerEngine, type FakeDockerEngine, type PullRecord } from '../support/fake-docker-engine';
import { runCommand, transcript } from '../support/command';
import { helperEnv } from '../support/helper-bin';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { shellCommand } from '../support/shell';

const ACCOUNT = '123456789012';
const HOST = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
const IMAGE = `${HOST}/team/app:1`;
const EXPIRED_TEXT = 'denied: Your authorization token has expired. Reauthenticate and try again.';
const fake = useFakeAws();

// At load time, not in before(): node:test runs an after() registered inside before() as soon as before() ends.
let docker: string;
let engine: FakeDockerEngine;

/** What `docker login` with an ECR token leaves in `auths`: base64("AWS:" + base64(JSON with `expiration`)). */
function storedEcrLogin(expiresAtSeconds: number): { auth: string; password: string } {
  const password = Buffer.from(JSON.stringify({ payload: 'opaque', datakey: 'opaque', version: '2', type: 'DATA_KEY', expiration: expiresAtSeconds })).toString('base64');
  return { auth: Buffer.from(`AWS:${password}`).toString('base64'), password };
}
const STALE = storedEcrLogin(Math.floor(Date.now() / 1000) - 3 * 3600);

/** As ECR decides: a token AWS issued works, an old one is "expired", none is "no basic auth credentials". */
function registryAccepts(pull: PullRecord): boolean | string {
  const auth = pull.auth ?? {};
  if (!auth.username && !auth.password) return pull.fromImage.startsWith('public.ecr.aws/');
  if (auth.password === STALE.password) return EXPIRED_TEXT;
  return auth.username === 'AWS' && fake.issued.some((token) => token.password === auth.password);
}

before(async () => {
  docker = requireTool('docker');
  engine = await startFakeDockerEngine({ authorize: registryAccepts });
});
after(() => engine?.close());

interface Machine {
  home: string;
  bin: string;
  dockerConfig: string;
  env: Record<string, string>;
}

/** A HOME with the built executable on PATH, keys in the environment, and `config` as ~/.docker/config.json. */
function machine(config: unknown, extra: Record<string, string> = {}): Machine {
  const home = tempDir('dce-verdict-home-');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
  mkdirSync(join(home, '.docker'));
  const dockerConfig = join(home, '.docker', 'config.json');
  if (config !== undefined) writeFileSync(dockerConfig, typeof config === 'string' ? config : JSON.stringify(config, null, '\t'));
  const env: Record<string, string> = { ...helperEnv(fake.url, home), PATH: `${bin}:/usr/bin:/bin`, AWS_REGION: 'eu-west-1', ...extra };
  for (const [k, v] of Object.entries(env)) if (v === '') delete env[k];
  return { home, bin, dockerConfig, env };
}

const run = (m: Machine, args: string[]): Promise<ExeResult> => runExecutable(args, { env: m.env });
const doctor = (m: Machine, ...args: string[]): Promise<ExeResult> => run(m, ['doctor', ...args]);
const pull = (m: Machine, image = IMAGE) => runCommand(docker, ['pull', image], { env: { ...m.env, DOCKER_HOST: engine.host, PATH: `${m.bin}:${process.env.PATH}` }, timeoutMs: 20_000 });

/** The output line that reports `status` and matches `pattern`. */
function line(result: ExeResult, status: 'ok' | 'warn' | 'fail', pattern: RegExp): string {
  const found = result.stdout.split('\n').find((l) => l.startsWith(`${status.padEnd(4)}  `) && pattern.test(l));
  assert.ok(found, `no "${status}" line matching ${pattern} in:\n${result.stdout}${result.stderr}`);
  return found;
}

/** The text after "; fix: " on a line: the command doctor tells the person to type. */
function fixOf(verdict: string): string {
  const fix = verdict.split('; fix: ')[1];
  assert.ok(fix, `no fix on: ${verdict}`);
  return fix;
}

/** Runs a `docker-credential-ecr ...` fix line with the machine's environment (it is one command, no shell syntax). */
async function apply(m: Machine, fix: string): Promise<ExeResult> {
  const words = fix.replace(/ \(.*\)$/, '').split(' ');
  assert.equal(words[0], 'docker-credential-ecr', `not a command of ours: ${fix}`);
  const result = await run(m, words.slice(1));
  assert.equal(result.code, 0, result.stdout + result.stderr);
  return result;
}

const esc = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('"Your authorization token has expired": a stored login next to credHelpers is what Docker sends when the helper fails; configure removes it', async () => {
  // No cache: every pull asks AWS, so a failure at AWS is a failure of the helper.
  const m = machine({ auths: { [HOST]: { auth: STALE.auth } }, credHelpers: { [HOST]: 'ecr' } }, { AWS_ECR_DISABLE_CACHE: '1' });
  // The helper works: pulls work, and doctor says what the stored login will do.
  const working = await doctor(m);
  assert.equal(working.code, 0, working.stdout);
  const warning = line(working, 'warn', /auths also holds a token docker login stored/);
  assert.match(warning, /\(expired \S+, 3 h ago\); whenever the helper fails, Docker sends that token instead, and the pull fails with "denied: Your authorization token has expired\. Reauthenticate and try again\." rather than the helper's own error/);
  assert.equal(fixOf(warning), `docker-credential-ecr configure --registry ${HOST}`);

  // The helper fails: Docker really sends the stale token, and the registry's answer is the seed's error.
  fake.fail('ecr', 'access-denied', { times: 10 });
  engine.reset();
  const fallback = await pull(m);
  assert.equal(fallback.code, 1, transcript(fallback));
  assert.equal(engine.pulls[0].auth?.password, STALE.password, 'the docker CLI sent the auths token');
  assert.match(fallback.stderr, /Your authorization token has expired\. Reauthenticate and try again\./);
  const failing = await doctor(m);
  assert.equal(failing.code, 1);
  assert.match(line(failing, 'fail', /auths also holds a token/), /the helper failed just now \(below\), so this is the error your pulls show; fix: docker-credential-ecr configure --registry/);

  // The fix, as printed: the dry run shows the removal, the real run makes it.
  const dry = await run(m, ['configure', '--registry', HOST, '--dry-run']);
  assert.match(dry.stdout, new RegExp(`^-\\t\\t"${esc(HOST)}": \\{$`, 'm'));
  assert.match(dry.stdout, /Would remove the login stored in "auths" for 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/);
  assert.match(readFileSync(m.dockerConfig, 'utf8'), new RegExp(esc(STALE.auth)), '--dry-run writes nothing');
  await apply(m, fixOf(warning));
  assert.deepEqual(JSON.parse(readFileSync(m.dockerConfig, 'utf8')), { auths: {}, credHelpers: { [HOST]: 'ecr' } });

  // Still failing at AWS, the pull now shows the helper's own error, not the stale token's.
  engine.reset();
  const honest = await pull(m);
  assert.deepEqual(engine.pulls[0].auth, {});
  assert.match(honest.stderr, /docker-credential-ecr: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com: no token from the ECR API .*needs IAM permission ecr:GetAuthorizationToken/);
  assert.doesNotMatch(honest.stderr, /authorization token has expired/);
  fake.reset();
  const after = await doctor(m);
  assert.equal(after.code, 0, after.stdout);
  assert.doesNotMatch(after.stdout, /auths also holds/);
  engine.reset();
  const works = await pull(m);
  assert.equal(works.code, 0, transcript(works));
});

test('"no basic auth credentials": configure without a region adds only the public registries; doctor says so, and its fix makes the pull work', async () => {
  const m = machine(undefined, { AWS_REGION: '' });
  const configured = await run(m, ['configure']);
  assert.equal(configured.code, 0, configured.stderr);
  assert.match(configured.stdout, /no AWS region is configured \(--region, AWS_REGION, or region in your AWS profile\)/);
  assert.match(configured.stdout, /Until then, pulls from it fail with "no basic auth credentials"\./);
  engine.reset();
  const refused = await pull(m);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /no basic auth credentials/);

  const before = await doctor(m);
  assert.equal(before.code, 0, before.stdout);
  assert.doesNotMatch(before.stdout, /\n\d+ ok, 0 warnings, 0 failed\n$/);
  const verdict = line(before, 'warn', /your account 123456789012's registry/);
  assert.match(verdict, /123456789012\.dkr\.ecr\.<region>\.amazonaws\.com is not in credHelpers of .*config\.json, so Docker does not ask this helper for it and `docker pull 123456789012\.dkr\.ecr\.<region>\.amazonaws\.com\/<repo>` fails with "no basic auth credentials"/);
  // The fix names the region to fill in; with the region the pull used, it works.
  const fix = fixOf(verdict);
  assert.equal(fix, 'docker-credential-ecr configure --registry 123456789012.dkr.ecr.<region>.amazonaws.com (with your registry\'s region)');
  await apply(m, fix.replace('<region>', 'eu-west-1'));
  const after = await doctor(m);
  assert.equal(after.code, 0);
  line(after, 'ok', /your account 123456789012 has registries in credHelpers: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/);
  engine.reset();
  const works = await pull(m);
  assert.equal(works.code, 0, transcript(works));

  // With a region known, the fix is exact and needs no editing.
  const regional = machine({ credHelpers: { 'public.ecr.aws': 'ecr' } });
  const exact = line(await doctor(regional), 'warn', /your account 123456789012's registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com is not in credHelpers/);
  await apply(regional, fixOf(exact));
  line(await doctor(regional), 'ok', /your account's registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(region eu-west-1 from AWS_REGION\) is in credHelpers/);
});

test('credsStore "ecr" routes the own account\'s registry too: no own-registry warning (the credsStore line says it)', async () => {
  const m = machine({ credsStore: 'ecr' });
  const result = await doctor(m);
  assert.doesNotMatch(result.stdout, /your account 123456789012's registry/);
  assert.ok(!JSON.parse((await doctor(m, '--json')).stdout).checks.some((c: { name: string }) => c.name === 'own-registry'));
  // A stored login there is sent when the helper fails, as with credHelpers; configure's fix removes it.
  const stored = machine({ credsStore: 'ecr', auths: { [HOST]: { auth: STALE.auth } } });
  const verdict = line(await doctor(stored), 'warn', /auths also holds a token docker login stored .*whenever the helper fails, Docker sends that token instead/);
  await apply(stored, fixOf(verdict));
  assert.deepEqual(JSON.parse(readFileSync(stored.dockerConfig, 'utf8')).auths, {});
});

test('the quick start without a region: configure --region, or the answer typed at a terminal', async () => {
  const flag = machine(undefined, { AWS_REGION: '' });
  const configured = await run(flag, ['configure', '--region', 'eu-west-1']);
  assert.equal(configured.code, 0, configured.stderr);
  assert.match(configured.stdout, /adding your registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(region eu-west-1 from --region\)/);
  const typo = await run(flag, ['configure', '--region', 'euwest-1']);
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /--region euwest-1 is not an AWS region name; did you mean eu-west-1\?/);

  const asked = machine(undefined, { AWS_REGION: '' });
  const session = await onTerminal(asked.env, shellCommand([EXECUTABLE, 'configure']), [[/Which AWS region is your registry in/, 'eu-west-1']]);
  assert.equal(session.code, 0, session.terminal);
  assert.match(session.terminal, /Your AWS identity is arn:aws:iam::123456789012:user\/AKIAE2ETESTKEY000001\. Which AWS region is your registry in \(for example us-east-1; empty to skip\)\?/);
  assert.deepEqual(JSON.parse(readFileSync(asked.dockerConfig, 'utf8')).credHelpers, { 'public.ecr.aws': 'ecr', 'ecr-public.aws.com': 'ecr', [HOST]: 'ecr' });
  engine.reset();
  assert.equal((await pull(asked)).code, 0);
});

test('an expired SSO session: configure still names the account and region from sso_account_id and sso_region', async () => {
  const m = machine(undefined, { AWS_REGION: '', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'dev' });
  writeFileSync(
    m.env.AWS_CONFIG_FILE,
    '[profile dev]\nsso_session = corp\nsso_account_id = 210987654321\nsso_role_name = Developer\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n',
  );
  const result = await run(m, ['configure']);
  assert.equal(result.code, 0, result.stderr);
  // Issue 27 point 5: SSO named as SSO, and which case: no session cached here at all is "never started".
  assert.match(result.stdout, /Could not ask STS who you are \(as profile dev\): the SSO session of profile dev was never started on this machine, or its cached token cannot be read; run `aws sso login --profile dev` before pulling\./);
  assert.match(result.stdout, /Profile dev names account 210987654321 \(sso_account_id\): adding your registry 210987654321\.dkr\.ecr\.eu-central-1\.amazonaws\.com \(region eu-central-1 from sso_region of profile dev; pass --region if your registry is in another region\)/);
  assert.equal(JSON.parse(readFileSync(m.dockerConfig, 'utf8')).credHelpers['210987654321.dkr.ecr.eu-central-1.amazonaws.com'], 'ecr');
});

test('the Go helper (ecr-login) in credHelpers: run as Docker runs it; answering is a working set-up (a warning), giving nothing is a failure naming it (issue 27)', async () => {
  const m = machine({ credHelpers: { [HOST]: 'ecr-login' } });
  // Only our bin on PATH: this machine may have the Go helper in /usr/bin (the bench compares with it).
  m.env.PATH = m.bin;
  // Without docker-credential-ecr-login on PATH, Docker's pulls fail: that is a failure.
  const missing = await doctor(m);
  assert.equal(missing.code, 1);
  line(missing, 'fail', /credHelpers sends it to docker-credential-ecr-login, which is not on PATH, so Docker's pulls fail \("docker-credential-ecr-login: executable file not found in \$PATH"\); fix: docker-credential-ecr configure --registry/);
  // Installed and answering with a token (its shape: base64 JSON with the expiry, as ECR's): a working set-up.
  const goHelper = join(m.bin, 'docker-credential-ecr-login');
  const secret = Buffer.from(JSON.stringify({ payload: 'go-helper-secret-payload', expiration: Math.floor(Date.now() / 1000) + 3600 })).toString('base64');
  writeFileSync(goHelper, `#!/bin/sh\nread host\nprintf '{"ServerURL":"%s","Username":"AWS","Secret":"${secret}"}' "$host"\n`);
  chmodSync(goHelper, 0o755);
  const answering = await doctor(m);
  assert.equal(answering.code, 0, answering.stdout);
  const verdict = line(answering, 'warn', /credHelpers sends it to docker-credential-ecr-login \(.*\/bin\/docker-credential-ecr-login\), which answers Docker for it, not this helper \(asked now: it gave a token valid until \S+Z\)/);
  assert.equal(fixOf(verdict), `to switch to this helper: docker-credential-ecr configure --registry ${HOST}`);
  assert.ok(!(answering.stdout + answering.stderr).includes(secret.slice(0, 16)), 'the other helper\'s secret was printed');

  // Giving nothing (what the Go helper answers on every failure): Docker pulls anonymously, and doctor says so.
  writeFileSync(goHelper, '#!/bin/sh\nprintf "credentials not found in native keychain"\nexit 1\n');
  engine.reset();
  const anonymous = await pull(m);
  assert.equal(anonymous.code, 1, transcript(anonymous));
  assert.equal(engine.pulls[0]?.auth?.password, undefined, 'Docker sent no credentials');
  const before = await doctor(m);
  assert.equal(before.code, 1, before.stdout);
  const failed = line(before, 'fail', /credHelpers sends it to docker-credential-ecr-login \(.*\), which gives nothing for it \("credentials not found in native keychain"\) \(its log, ~\/\.ecr\/log\/ecr-login\.log, says why\) when asked now as Docker asks; Docker then pulls anonymously, and the pull fails with "no basic auth credentials"/);
  assert.equal(fixOf(failed), `docker-credential-ecr configure --registry ${HOST}`);
  const switched = await apply(m, fixOf(failed));
  assert.match(switched.stdout, /went to docker-credential-ecr-login before; it now goes to docker-credential-ecr\./);
  const after = await doctor(m);
  assert.equal(after.code, 0);
  line(after, 'ok', /credHelpers sends it to docker-credential-ecr$/);
  engine.reset();
  const working = await pull(m);
  assert.equal(working.code, 0, transcript(working));
});

/** STS reached through the fake as an HTTPS proxy (its CA trusted), under the real AWS host names. */
function proxied(extra: Record<string, string> = {}): Machine {
  return machine({ credHelpers: { [HOST]: 'ecr' } }, { HTTPS_PROXY: fake.url, AWS_CA_BUNDLE: fake.caFile, AWS_ENDPOINT_URL_ECR: '', AWS_ENDPOINT_URL_ECR_PUBLIC: '', AWS_ENDPOINT_URL_STS: '', ...extra });
}

const STS_HOST = 'sts.eu-west-1.amazonaws.com';

test('STS through networks that are not plain: each named as what it is, a warning while tokens work, never "access denied"', async () => {
  const cases: { name: string; arrange: () => void; env?: Record<string, string>; verdict: RegExp; fix: RegExp; repaired: () => Record<string, string> | void }[] = [
    {
      name: 'the proxy refuses CONNECT to STS',
      arrange: () => fake.connectFault(STS_HOST, 'refuse'),
      verdict: /the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) refused to connect to sts\.eu-west-1\.amazonaws\.com:443 \(HTTP 403 to CONNECT\): not an AWS answer/,
      fix: /^have sts\.eu-west-1\.amazonaws\.com allowed through the proxy, or reach it directly by adding it to NO_PROXY$/,
      repaired: () => fake.reset(),
    },
    {
      name: 'the proxy answers with an HTML refusal page',
      arrange: () => fake.fail('sts', 'proxy-refusal'),
      verdict: /the answer from the STS API endpoint sts\.eu-west-1\.amazonaws\.com through the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) is not from AWS \(HTTP 403 without an AWS error: the proxy refusing the request\?\)/,
      fix: /^have sts\.eu-west-1\.amazonaws\.com allowed through the proxy http:\/\/127\.0\.0\.1:\d+, or reach it directly by adding it to NO_PROXY$/,
      repaired: () => fake.reset(),
    },
    {
      name: 'the proxy resets the connection',
      arrange: () => fake.connectFault(STS_HOST, 'reset'),
      verdict: /the connection to the STS API endpoint sts\.eu-west-1\.amazonaws\.com through the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) was reset before an answer came/,
      fix: /^the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\) dropped it: check that it lets sts\.eu-west-1\.amazonaws\.com:443 through$/,
      repaired: () => fake.reset(),
    },
    {
      name: 'TLS interception with a CA this machine does not trust',
      arrange: () => undefined,
      // The ECR calls keep the fake's plain endpoint; only STS goes through the intercepting proxy, untrusted.
      env: { AWS_CA_BUNDLE: '', AWS_ENDPOINT_URL_ECR: fake.url },
      verdict: /TLS to the STS API endpoint sts\.eu-west-1\.amazonaws\.com through the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\): its certificate is signed by a CA this machine does not trust, as when a proxy inspects TLS/,
      fix: /^point AWS_CA_BUNDLE at the inspecting proxy's CA certificate \(a PEM file\)$/,
      repaired: () => ({ AWS_CA_BUNDLE: fake.caFile }),
    },
    {
      name: 'a host name that does not resolve',
      arrange: () => undefined,
      env: { HTTPS_PROXY: '', AWS_ENDPOINT_URL_ECR: fake.url, AWS_ENDPOINT_URL_STS: 'https://sts.corp-mirror.invalid' },
      verdict: /the host name sts\.corp-mirror\.invalid does not resolve \(ENOTFOUND\)/,
      fix: /^check DNS on this machine and the endpoint override \(AWS_ENDPOINT_URL_\*\)/,
      repaired: () => ({ AWS_ENDPOINT_URL_STS: fake.url }),
    },
    {
      name: 'a proxy that is not listening',
      arrange: () => undefined,
      env: { HTTPS_PROXY: 'http://proxy-user:proxy-pass@127.0.0.1:9', AWS_ENDPOINT_URL_ECR: fake.url },
      verdict: /cannot connect to the proxy http:\/\/\*\*\*@127\.0\.0\.1:9 \(from HTTPS_PROXY\) to reach the STS API endpoint sts\.eu-west-1\.amazonaws\.com \(ECONNREFUSED\)/,
      fix: /^check HTTPS_PROXY: is a proxy listening at http:\/\/\*\*\*@127\.0\.0\.1:9\?$/,
      repaired: () => ({ HTTPS_PROXY: fake.url }),
    },
  ];
  for (const c of cases) {
    fake.reset();
    const m = proxied(c.env);
    c.arrange();
    const result = await doctor(m);
    assert.equal(result.code, 0, `${c.name}:\n${result.stdout}${result.stderr}`);
    const verdict = line(result, 'warn', /AWS identity/);
    assert.match(verdict, c.verdict, c.name);
    assert.match(verdict, /tokens are fetched all the same, so pulls work/, c.name);
    assert.match(fixOf(verdict), c.fix, c.name);
    assert.doesNotMatch(result.stdout + result.stderr, /access denied|IAM permission sts:|proxy-pass/i, c.name);
    line(result, 'ok', /token fetched from AWS now/);
    // Repaired (the proxy lets STS through, the CA is trusted, the endpoint resolves): the identity is named.
    const changes = c.repaired() ?? {};
    Object.assign(m.env, changes);
    const fixed = await doctor(m);
    assert.equal(fixed.code, 0, fixed.stdout);
    line(fixed, 'ok', /AWS identity arn:aws:iam::123456789012:user\/AKIAE2ETESTKEY000001 \(account 123456789012\)/);
  }
});

test('the same networks when tokens do not come either: a failure, still named as what it is', async () => {
  const m = proxied({ AWS_ENDPOINT_URL_ECR: fake.url });
  fake.connectFault(STS_HOST, 'refuse');
  fake.fail('ecr', 'proxy-refusal');
  const result = await doctor(m);
  assert.equal(result.code, 1);
  assert.match(line(result, 'fail', /AWS identity/), /refused to connect to sts\.eu-west-1\.amazonaws\.com:443 \(HTTP 403 to CONNECT\)/);
  assert.match(line(result, 'fail', /no token from the ECR API/), /is not from AWS \(HTTP 403 without an AWS error/);
  assert.doesNotMatch(result.stdout, /access denied/i);
});

test('GetCallerIdentity needs no permission: a refusal is never "needs IAM permission sts:GetCallerIdentity"', async () => {
  const m = machine({ credHelpers: { [HOST]: 'ecr' } });
  fake.fail('sts', 'access-denied', { times: 10 });
  const result = await doctor(m);
  assert.equal(result.code, 0, result.stdout);
  const verdict = line(result, 'warn', /AWS identity/);
  assert.match(verdict, /the STS API refused the call \(.*\), which needs no IAM permission: the credentials \(environment key AKIAE2ETESTKEY000001\) are not accepted, or the answer is not from AWS; tokens are fetched all the same/);
  assert.match(fixOf(verdict), /^check the credentials \(`aws sts get-caller-identity` shows whether AWS accepts them\), and any proxy or VPC endpoint policy between here and STS$/);
  assert.doesNotMatch(result.stdout, /IAM permission sts:GetCallerIdentity/);
});

test('get, through the same networks to the ECR API: every classification with the built executable, never "access denied"', async () => {
  const API = 'api.ecr.eu-west-1.amazonaws.com';
  const cases: [string, () => void, Record<string, string>, RegExp][] = [
    ['CONNECT refused', () => fake.connectFault(API, 'refuse'), {}, /the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) refused to connect to api\.ecr\.eu-west-1\.amazonaws\.com:443 \(HTTP 403 to CONNECT\): not an AWS answer; have api\.ecr\.eu-west-1\.amazonaws\.com allowed through the proxy/],
    ['refusal page', () => fake.fail('ecr', 'proxy-refusal', { times: 10 }), {}, /the answer from the ECR API endpoint api\.ecr\.eu-west-1\.amazonaws\.com through the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) is not from AWS \(HTTP 403 without an AWS error/],
    ['reset', () => fake.connectFault(API, 'reset'), {}, /the connection to the ECR API endpoint api\.ecr\.eu-west-1\.amazonaws\.com through the proxy .* was reset before an answer came/],
    ['unknown CA', () => undefined, { AWS_CA_BUNDLE: '' }, /TLS to the ECR API endpoint api\.ecr\.eu-west-1\.amazonaws\.com through the proxy .* failed \([A-Z_]+\): its certificate is signed by a CA this machine does not trust.*; point AWS_CA_BUNDLE at the inspecting proxy's CA certificate/],
    ['DNS', () => undefined, { HTTPS_PROXY: '', AWS_ENDPOINT_URL_ECR: 'https://ecr.corp-mirror.invalid' }, /the host name ecr\.corp-mirror\.invalid does not resolve \(ENOTFOUND\)/],
  ];
  for (const [name, arrange, extra, expected] of cases) {
    fake.reset();
    const m = proxied({ AWS_ECR_DISABLE_CACHE: '1', ...extra });
    arrange();
    const result = await runExecutable(['get'], { stdin: HOST, env: m.env });
    assert.equal(result.code, 1, name);
    // Docker reads one line on stdout: the same explanation (docker-credential-helpers' convention).
    assert.match(result.stdout, /^[^\n]+\n$/, name);
    assert.match(result.stderr, expected, `${name}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /access denied|IAM permission/i, name);
  }
});

test('get names the proxy and the variable that set it when the proxy refuses', async () => {
  const m = machine(undefined, { HTTPS_PROXY: '', https_proxy: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_ECR: 'https://api.ecr.eu-west-1.amazonaws.com' });
  const result = await runExecutable(['get'], { stdin: HOST, env: m.env });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no token from the ECR API in eu-west-1 as environment key AKIAE2ETESTKEY000001: cannot connect to the proxy http:\/\/127\.0\.0\.1:9 \(from https_proxy\) to reach the ECR API endpoint api\.ecr\.eu-west-1\.amazonaws\.com \(ECONNREFUSED\); check https_proxy: is a proxy listening at http:\/\/127\.0\.0\.1:9\?/);
});

const MFA_ROLE = 'arn:aws:iam::123456789012:role/mfa-puller';
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';

function mfaMachine(): Machine {
  const m = machine({ credHelpers: { [HOST]: 'ecr' } }, { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'mfa', DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '2000' });
  writeFileSync(m.env.AWS_CONFIG_FILE, `[profile mfa]\nrole_arn = ${MFA_ROLE}\nsource_profile = base\nmfa_serial = ${SERIAL}\nregion = eu-west-1\n\n[profile base]\nregion = eu-west-1\n`);
  writeFileSync(m.env.AWS_SHARED_CREDENTIALS_FILE, '[base]\naws_access_key_id = AKIAMFABASEKEY000001\naws_secret_access_key = mfa-base-secret\n');
  fake.requireMfa(MFA_ROLE, { serialNumber: SERIAL, code: '123456' });
  return m;
}

test('an MFA profile: without a terminal the identity line says a code is needed; at a terminal doctor asks once', async () => {
  const m = mfaMachine();
  const headless = await runExecutable(['-w', EXECUTABLE, 'doctor'], { env: m.env, exe: 'setsid' });
  assert.equal(headless.code, 1);
  const identity = line(headless, 'fail', /AWS identity/);
  assert.match(identity, /AWS identity from profile mfa: assumes role arn:aws:iam::123456789012:role\/mfa-puller from base, with MFA \(mfa_serial arn:aws:iam::123456789012:mfa\/alice\): profile mfa needs an MFA code .*there is no terminal to ask for it on/);
  assert.doesNotMatch(headless.stdout, /no AWS credentials were found/);
  assert.match(fixOf(identity), /pull once from a terminal/);

  const session = await onTerminal(m.env, shellCommand([EXECUTABLE, 'doctor']), [[/MFA code for profile mfa/, '123456']]);
  assert.equal(session.code, 0, session.terminal);
  assert.equal((session.terminal.match(/MFA code for/g) ?? []).length, 1, 'asked once');
  assert.equal(fake.mfaCalls.length, 1);
  assert.match(session.terminal, /ok {4}AWS identity from profile mfa: .*with MFA \(mfa_serial arn:aws:iam::123456789012:mfa\/alice\): a token was had with it, so STS is not asked again/);
  // The fix printed without a terminal works: the token is now cached, so the headless run passes. Issue 27: its
  // fresh check cannot ask for a code there, so it is "not checked", a warning, never ok; and nothing is asked.
  const later = await runExecutable(['-w', EXECUTABLE, 'doctor'], { env: m.env, exe: 'setsid' });
  assert.equal(later.code, 0, later.stdout);
  line(later, 'warn', /: pulls work until \S+ \(in \d+ h\) with the cached token; a new one was not asked for: profile mfa needs an MFA code/);
  line(later, 'warn', /AWS identity from profile mfa: .*with MFA \(mfa_serial [^)]+\): not checked: profile mfa needs an MFA code/);
  assert.doesNotMatch(later.stdout, /^ok {4}AWS identity/m);
  assert.equal(fake.mfaCalls.length, 1, 'no second code asked for');
});

test('an MFA profile: configure names the account from role_arn without asking STS (which would need a code); doctor checks that registry', async () => {
  const m = mfaMachine();
  rmSync(m.dockerConfig, { force: true });
  const configured = await runExecutable(['-w', EXECUTABLE, 'configure'], { env: m.env, exe: 'setsid' });
  assert.equal(configured.code, 0, configured.stderr);
  assert.match(configured.stdout, /^Profile mfa names account 123456789012 \(role_arn arn:aws:iam::123456789012:role\/mfa-puller, with MFA: STS not asked\): adding your registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(region eu-west-1 from AWS_REGION\)\.$/m);
  assert.doesNotMatch(configured.stdout, /no AWS credentials were found/);
  assert.equal(fake.callsFor('sts').length, 0);
  assert.equal(fake.mfaCalls.length, 0);
  assert.equal(JSON.parse(readFileSync(m.dockerConfig, 'utf8')).credHelpers[HOST], 'ecr');
  // Without the registry routed, doctor's own-registry check knows the account from role_arn too.
  writeFileSync(m.dockerConfig, JSON.stringify({ credHelpers: { 'public.ecr.aws': 'ecr' } }));
  const headless = await runExecutable(['-w', EXECUTABLE, 'doctor'], { env: m.env, exe: 'setsid' });
  line(headless, 'warn', /your account 123456789012's registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com is not in credHelpers/);
});

interface TerminalSession {
  code: number | null;
  terminal: string;
}

/** `command` with a pseudo-terminal as stdin, stdout and controlling terminal (util-linux `script`); each prompt is answered. */
function onTerminal(env: Record<string, string>, command: string, answers: [RegExp, string][], end?: string): Promise<TerminalSession> {
  return new Promise((resolve, fail) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { env: { ...env, PATH: `${env.PATH}:${process.env.PATH}` }, stdio: ['pipe', 'pipe', 'pipe'] });
    let terminal = '';
    const pending = [...answers];
    const collect = (chunk: Buffer): void => {
      terminal += chunk.toString();
      const next = pending[0];
      if (next && next[0].test(terminal)) {
        pending.shift();
        child.stdin.write(`${next[1]}\r`);
        if (pending.length === 0 && end !== undefined) child.stdin.write(end);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', fail);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, terminal });
    });
  });
}

test('get typed at a terminal says what it waits for, once, on stderr; a pipe (Docker) hears nothing of it', async () => {
  const m = machine({ credHelpers: { 'public.ecr.aws': 'ecr' } });
  const session = await onTerminal(m.env, shellCommand([EXECUTABLE, 'get']), [[/reading a registry host on stdin/, 'public.ecr.aws']], '\x04');
  assert.equal(session.code, 0, session.terminal);
  assert.equal((session.terminal.match(/docker-credential-ecr get: reading a registry host on stdin, as Docker sends it \(type one and press Ctrl-D\); to check your setup, run `docker-credential-ecr doctor`/g) ?? []).length, 1);
  assert.match(session.terminal, /\{"ServerURL":"public\.ecr\.aws","Username":"AWS","Secret":"/);
  const piped = await runExecutable(['get'], { stdin: 'public.ecr.aws', env: m.env });
  assert.equal(piped.code, 0);
  assert.equal(piped.stderr, '');
});

test('help for every command, in one style; unknown commands named, with a suggestion', async () => {
  const m = machine(undefined);
  const overview = await run(m, ['--help']);
  assert.equal(overview.code, 0);
  assert.match(overview.stdout, /^Usage: docker-credential-ecr COMMAND \[OPTION\]\.\.\.\n/);
  for (const name of ['configure', 'doctor', 'kubelet-config', 'get', 'store', 'erase', 'list', 'kubelet-credential-provider', 'version', 'help']) {
    assert.match(overview.stdout, new RegExp(`^  ${esc(name)} +\\S`, 'm'), name);
    for (const argv of [['help', name], [name, '--help'], [name, '-h']]) {
      const result = await run(m, argv);
      assert.equal(result.code, 0, argv.join(' '));
      assert.match(result.stdout, new RegExp(`^Usage: docker-credential-ecr ${esc(name)}( \\[OPTION\\]\\.\\.\\.( \\[HOST(\\|IMAGE)?\\]\\.\\.\\.)?| \\[COMMAND\\])?\n`), argv.join(' '));
      if (/\[OPTION\]/.test(result.stdout)) assert.match(result.stdout, /\nOptions:\n[\s\S]*  -h, --help +print this help\n/, argv.join(' '));
    }
  }
  // Commands that print their own help: `help NAME` is `NAME --help`.
  for (const name of ['login-password', 'dockerconfigjson', 'pull-secret']) {
    assert.match(overview.stdout, new RegExp(`^  ${name} +\\S`, 'm'), name);
    const viaHelp = await run(m, ['help', name]);
    assert.equal(viaHelp.code, 0, name);
    assert.match(viaHelp.stdout, new RegExp(`^Usage: docker-credential-ecr ${name} `));
    assert.equal(viaHelp.stdout, (await run(m, [name, '--help'])).stdout);
  }
  for (const variable of ['AWS_PROFILE', 'HTTPS_PROXY', 'AWS_CA_BUNDLE', 'AWS_ECR_CACHE_DIR', 'DOCKER_CREDENTIAL_ECR_CONFIG', 'DOCKER_CREDENTIAL_ECR_LOG', 'DOCKER_CREDENTIAL_ECR_TIMEOUT_MS', 'DOCKER_CONFIG']) {
    assert.match(overview.stdout, new RegExp(variable), variable);
  }
  const explain = await run(m, ['explain']);
  assert.equal(explain.code, 1);
  assert.equal(explain.stderr, 'docker-credential-ecr: unknown command "explain"\nRun `docker-credential-ecr help` for the list of commands.\n');
  const typo = await run(m, ['docter']);
  assert.match(typo.stderr, /unknown command "docter"; did you mean `docker-credential-ecr doctor`\?/);
});

test('typos get the right suggestion, and the suggestion works', async () => {
  const m = machine({ credHelpers: { [HOST]: 'ecr' } });
  const cases: [string, string][] = [
    ['public.ecr.aws.com', 'public.ecr.aws'],
    [`${ACCOUNT}.ecr.eu-west-1.amazonaws.com`, HOST],
    [`${ACCOUNT}.dkr.ecr.euwest-1.amazonaws.com`, HOST],
    [`${ACCOUNT}.dkr.ecr.eu-west1.amazonaws.com`, HOST],
  ];
  for (const [typed, meant] of cases) {
    const result = await doctor(m, typed);
    assert.equal(result.code, 1, typed);
    assert.match(result.stdout, new RegExp(`^fail  ${esc(typed)} is not a registry this helper serves; fix: ${esc(typed)} is not an ECR address; did you mean ${esc(meant)}\\?$`, 'm'), typed);
    const configure = await run(m, ['configure', '--registry', typed, '--dry-run']);
    assert.equal(configure.code, 1);
    assert.match(configure.stderr, new RegExp(`did you mean ${esc(meant)}\\?`));
    const corrected = await doctor(m, meant);
    assert.doesNotMatch(corrected.stdout, /is not a registry this helper serves/, meant);
  }
});

test('a region that fits the pattern but is not one AWS has: a warning with the likely one, whose fix works', async () => {
  const typo = `${ACCOUNT}.dkr.ecr.eu-wst-1.amazonaws.com`;
  const m = machine({ credHelpers: { [typo]: 'ecr' } });
  const before = await doctor(m);
  const verdict = line(before, 'warn', /region eu-wst-1 is not one the AWS SDK knows; did you mean eu-west-1\?/);
  assert.equal(fixOf(verdict), `docker-credential-ecr configure --registry ${HOST}, and pull from that host`);
  await apply(m, fixOf(verdict).replace(', and pull from that host', ''));
  const after = await doctor(m, HOST);
  assert.equal(after.code, 0, after.stdout);
  line(after, 'ok', /token fetched from AWS now/);
});

test('a trailing comma in config.json in plain words, and a fix that says what to change', async () => {
  const m = machine(`{\n\t"credHelpers": {\n\t\t"${HOST}": "ecr",\n\t}\n}\n`);
  const result = await doctor(m);
  assert.equal(result.code, 1);
  const verdict = line(result, 'fail', /config\.json:3: not valid JSON/);
  assert.match(verdict, /config\.json:3: not valid JSON: a comma after the last entry, before "\}" \(JSON allows none there\) \(Docker cannot read it either\); fix: remove the "," at the end of line 3 of .+config\.json$/);
  assert.doesNotMatch(verdict, /PropertyNameExpected|ValueExpected/);
  const configure = await run(m, ['configure']);
  assert.equal(configure.code, 1);
  assert.match(configure.stderr, /not valid JSON: a comma after the last entry.*; remove the "," at the end of line 3 of .*config\.json, then run configure again; nothing was changed/);
  // The fix as said: the comma at the end of line 3 goes.
  const lines = readFileSync(m.dockerConfig, 'utf8').split('\n');
  lines[2] = lines[2].replace(/,$/, '');
  writeFileSync(m.dockerConfig, lines.join('\n'));
  const fixed = await doctor(m);
  assert.equal(fixed.code, 0, fixed.stdout);
  line(fixed, 'ok', /Docker config .*config\.json/);

  // The helper's own config file: the same plain words, and what to change, in its line.
  const helperConfig = join(m.home, 'helper.json');
  writeFileSync(helperConfig, `{\n  "registries": {\n    "images.example.com": { "target": "${HOST}" },\n  }\n}\n`);
  m.env.DOCKER_CREDENTIAL_ECR_CONFIG = helperConfig;
  const broken = await doctor(m);
  assert.equal(broken.code, 1);
  line(broken, 'fail', /helper\.json:3: not valid JSON \(a comma after the last entry, before "\}" \(JSON allows none there\)\): remove the "," at the end of line 3; fix: edit /);
  writeFileSync(helperConfig, readFileSync(helperConfig, 'utf8').replace('},\n', '}\n'));
  assert.equal((await doctor(m)).code, 0);
});

test("doctor --kubelet on AWS's stock EKS config: a commercial node passes; the fix for what it lacks works", async () => {
  const m = machine(undefined);
  const dir = tempDir();
  const stock = join(dir, 'config.json');
  const matchImages = ['*.dkr.ecr.*.amazonaws.com', '*.dkr.ecr.*.amazonaws.com.cn', '*.dkr.ecr-fips.*.amazonaws.com', '*.dkr.ecr.us-iso-east-1.c2s.ic.gov', '*.dkr.ecr.us-isob-east-1.sc2s.sgov.gov'];
  const stockText = JSON.stringify({ apiVersion: 'kubelet.config.k8s.io/v1', kind: 'CredentialProviderConfig', providers: [{ name: 'ecr-credential-provider', matchImages, defaultCacheDuration: '12h', apiVersion: 'credentialprovider.kubelet.k8s.io/v1' }] });
  writeFileSync(stock, stockText);
  writeFileSync(join(dir, 'old.json'), stockText);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'ecr-credential-provider'));
  const before = await runExecutable(['doctor', '--kubelet', stock, '--bin-dir', bin], { env: m.env });
  assert.equal(before.code, 0, before.stdout);
  assert.doesNotMatch(before.stdout, /match no host/);
  const verdict = line(before, 'warn', /matchImages miss/);
  assert.match(verdict, /matchImages miss \*\.dkr-ecr\.\*\.on\.aws, \*\.dkr-ecr-fips\.\*\.on\.aws, public\.ecr\.aws, ecr-public\.aws\.com of this node's partition aws \(region eu-west-1 from AWS_REGION\)/);
  // The fix: the forms kubelet-config lists.
  const generated = await runExecutable(['kubelet-config'], { env: m.env });
  writeFileSync(stock, generated.stdout);
  const after = await runExecutable(['doctor', '--kubelet', stock, '--bin-dir', bin], { env: m.env });
  assert.equal(after.code, 0);
  assert.match(after.stdout, /, 0 warnings, 0 failed\n$/);
  // A node in the isolated region the stock config does not name fails, as its pulls would.
  const iso = await runExecutable(['doctor', '--kubelet', join(dir, 'old.json'), '--bin-dir', bin], { env: { ...m.env, AWS_REGION: 'us-iso-west-1' } });
  assert.equal(iso.code, 1);
  line(iso, 'fail', /matchImages miss \*\.dkr\.ecr\.\*\.c2s\.ic\.gov in us-iso-west-1, .*so private images in us-iso-west-1 fail to pull/);
});
