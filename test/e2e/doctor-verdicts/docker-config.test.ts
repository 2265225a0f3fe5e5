// Doctor's verdicts on Docker's config.json and the set-ups people reach it with: a stale login next to
// credHelpers, a registry missing from credHelpers, credsStore, the quick start without a region, an expired SSO
// session, and the Go helper. Where Docker is the one that fails, the real docker CLI pulls from a fake engine
// (what the engine receives is what a registry would get), before the fix and after it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { EXECUTABLE } from '../../support/executable';
import { startFakeDockerEngine, type FakeDockerEngine, type PullRecord } from '../../support/fake-docker-engine';
import { runCommand, transcript } from '../../support/command';
import { requireTool } from '../../support/tools';
import { shellCommand } from '../../support/shell';
import {
  apply,
  doctor,
  esc,
  fixOf,
  HOST,
  IMAGE,
  line,
  machineOn,
  onTerminal,
  run,
  type Machine,
} from './verdict-machine';

const fake = useFakeAws();
const machine = machineOn(fake);

const EXPIRED_TEXT = 'denied: Your authorization token has expired. Reauthenticate and try again.';

// At load time, not in before(): node:test runs an after() registered inside before() as soon as before() ends.
let docker: string;
let engine: FakeDockerEngine;

/** What `docker login` with an ECR token leaves in `auths`: base64("AWS:" + base64(JSON with `expiration`)). */
function storedEcrLogin(expiresAtSeconds: number): { auth: string; password: string } {
  const password = Buffer.from(
    JSON.stringify({
      payload: 'opaque',
      datakey: 'opaque',
      version: '2',
      type: 'DATA_KEY',
      expiration: expiresAtSeconds,
    }),
  ).toString('base64');
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

const pull = (m: Machine, image = IMAGE) =>
  runCommand(docker, ['pull', image], {
    env: { ...m.env, DOCKER_HOST: engine.host, PATH: `${m.bin}:${process.env.PATH}` },
    timeoutMs: 20_000,
  });

test('"Your authorization token has expired": a stored login next to credHelpers is what Docker sends when the helper fails; configure removes it', async () => {
  // No cache: every pull asks AWS, so a failure at AWS is a failure of the helper.
  const m = machine(
    { auths: { [HOST]: { auth: STALE.auth } }, credHelpers: { [HOST]: 'ecr' } },
    { AWS_ECR_DISABLE_CACHE: '1' },
  );
  // The helper works: pulls work, and doctor says what the stored login will do.
  const working = await doctor(m);
  assert.equal(working.code, 0, working.stdout);
  const warning = line(working, 'warn', /auths also holds a token docker login stored/);
  assert.match(
    warning,
    /\(expired \S+, 3 h ago\); whenever the helper fails, Docker sends that token instead, and the pull fails with "denied: Your authorization token has expired\. Reauthenticate and try again\." rather than the helper's own error/,
  );
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
  assert.match(
    line(failing, 'fail', /auths also holds a token/),
    /the helper failed just now \(below\), so this is the error your pulls show; fix: docker-credential-ecr configure --registry/,
  );

  // The fix, as printed: the dry run shows the removal, the real run makes it.
  const dry = await run(m, ['configure', '--registry', HOST, '--dry-run']);
  assert.match(dry.stdout, new RegExp(`^-\\t\\t"${esc(HOST)}": \\{$`, 'm'));
  assert.match(
    dry.stdout,
    /Would remove the login stored in "auths" for 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/,
  );
  assert.match(readFileSync(m.dockerConfig, 'utf8'), new RegExp(esc(STALE.auth)), '--dry-run writes nothing');
  await apply(m, fixOf(warning));
  assert.deepEqual(JSON.parse(readFileSync(m.dockerConfig, 'utf8')), { auths: {}, credHelpers: { [HOST]: 'ecr' } });

  // Still failing at AWS, the pull now shows the helper's own error, not the stale token's.
  engine.reset();
  const honest = await pull(m);
  assert.deepEqual(engine.pulls[0].auth, {});
  assert.match(
    honest.stderr,
    /docker-credential-ecr: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com: no token from the ECR API .*needs IAM permission ecr:GetAuthorizationToken/,
  );
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
  assert.match(
    configured.stdout,
    /no AWS region is configured \(--region, AWS_REGION, or region in your AWS profile\)/,
  );
  assert.match(configured.stdout, /Until then, pulls from it fail with "no basic auth credentials"\./);
  engine.reset();
  const refused = await pull(m);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /no basic auth credentials/);

  const before = await doctor(m);
  assert.equal(before.code, 0, before.stdout);
  assert.doesNotMatch(before.stdout, /\n\d+ ok, 0 warnings, 0 failed\n$/);
  const verdict = line(before, 'warn', /your account 123456789012's registry/);
  assert.match(
    verdict,
    /123456789012\.dkr\.ecr\.<region>\.amazonaws\.com is not in credHelpers of .*config\.json, so Docker does not ask this helper for it and `docker pull 123456789012\.dkr\.ecr\.<region>\.amazonaws\.com\/<repo>` fails with "no basic auth credentials"/,
  );
  // The fix names the region to fill in; with the region the pull used, it works.
  const fix = fixOf(verdict);
  assert.equal(
    fix,
    "docker-credential-ecr configure --registry 123456789012.dkr.ecr.<region>.amazonaws.com (with your registry's region)",
  );
  await apply(m, fix.replace('<region>', 'eu-west-1'));
  const after = await doctor(m);
  assert.equal(after.code, 0);
  line(
    after,
    'ok',
    /your account 123456789012 has registries in credHelpers: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/,
  );
  engine.reset();
  const works = await pull(m);
  assert.equal(works.code, 0, transcript(works));

  // With a region known, the fix is exact and needs no editing.
  const regional = machine({ credHelpers: { 'public.ecr.aws': 'ecr' } });
  const exact = line(
    await doctor(regional),
    'warn',
    /your account 123456789012's registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com is not in credHelpers/,
  );
  await apply(regional, fixOf(exact));
  line(
    await doctor(regional),
    'ok',
    /your account's registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(region eu-west-1 from AWS_REGION\) is in credHelpers/,
  );
});

test('credsStore "ecr" routes the own account\'s registry too: no own-registry warning (the credsStore line says it)', async () => {
  const m = machine({ credsStore: 'ecr' });
  const result = await doctor(m);
  assert.doesNotMatch(result.stdout, /your account 123456789012's registry/);
  assert.ok(
    !JSON.parse((await doctor(m, '--json')).stdout).checks.some((c: { name: string }) => c.name === 'own-registry'),
  );
  // A stored login there is sent when the helper fails, as with credHelpers; configure's fix removes it.
  const stored = machine({ credsStore: 'ecr', auths: { [HOST]: { auth: STALE.auth } } });
  const verdict = line(
    await doctor(stored),
    'warn',
    /auths also holds a token docker login stored .*whenever the helper fails, Docker sends that token instead/,
  );
  await apply(stored, fixOf(verdict));
  assert.deepEqual(JSON.parse(readFileSync(stored.dockerConfig, 'utf8')).auths, {});
});

test('the quick start without a region: configure --region, or the answer typed at a terminal', async () => {
  const flag = machine(undefined, { AWS_REGION: '' });
  const configured = await run(flag, ['configure', '--region', 'eu-west-1']);
  assert.equal(configured.code, 0, configured.stderr);
  assert.match(
    configured.stdout,
    /adding your registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(region eu-west-1 from --region\)/,
  );
  const typo = await run(flag, ['configure', '--region', 'euwest-1']);
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /--region euwest-1 is not an AWS region name; did you mean eu-west-1\?/);

  const asked = machine(undefined, { AWS_REGION: '' });
  const session = await onTerminal(asked.env, shellCommand([EXECUTABLE, 'configure']), [
    [/Which AWS region is your registry in/, 'eu-west-1'],
  ]);
  assert.equal(session.code, 0, session.terminal);
  assert.match(
    session.terminal,
    /Your AWS identity is arn:aws:iam::123456789012:user\/AKIAE2ETESTKEY000001\. Which AWS region is your registry in \(for example us-east-1; empty to skip\)\?/,
  );
  assert.deepEqual(JSON.parse(readFileSync(asked.dockerConfig, 'utf8')).credHelpers, {
    'public.ecr.aws': 'ecr',
    'ecr-public.aws.com': 'ecr',
    [HOST]: 'ecr',
  });
  engine.reset();
  assert.equal((await pull(asked)).code, 0);
});

test('an expired SSO session: configure still names the account and region from sso_account_id and sso_region', async () => {
  const m = machine(undefined, {
    AWS_REGION: '',
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_PROFILE: 'dev',
  });
  writeFileSync(
    m.env.AWS_CONFIG_FILE,
    '[profile dev]\nsso_session = corp\nsso_account_id = 210987654321\nsso_role_name = Developer\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n',
  );
  const result = await run(m, ['configure']);
  assert.equal(result.code, 0, result.stderr);
  // Issue 27 point 5: SSO named as SSO, and which case: no session cached here at all is "never started".
  assert.match(
    result.stdout,
    /Could not ask STS who you are \(as profile dev\): the SSO session of profile dev was never started on this machine, or its cached token cannot be read; run `aws sso login --profile dev` before pulling\./,
  );
  assert.match(
    result.stdout,
    /Profile dev names account 210987654321 \(sso_account_id\): adding your registry 210987654321\.dkr\.ecr\.eu-central-1\.amazonaws\.com \(region eu-central-1 from sso_region of profile dev; pass --region if your registry is in another region\)/,
  );
  assert.equal(
    JSON.parse(readFileSync(m.dockerConfig, 'utf8')).credHelpers['210987654321.dkr.ecr.eu-central-1.amazonaws.com'],
    'ecr',
  );
});

test('the Go helper (ecr-login) in credHelpers: run as Docker runs it; answering is a working set-up (a warning), giving nothing is a failure naming it (issue 27)', async () => {
  const m = machine({ credHelpers: { [HOST]: 'ecr-login' } });
  // Only our bin on PATH: this machine may have the Go helper in /usr/bin (the bench compares with it).
  m.env.PATH = m.bin;
  // Without docker-credential-ecr-login on PATH, Docker's pulls fail: that is a failure.
  const missing = await doctor(m);
  assert.equal(missing.code, 1);
  line(
    missing,
    'fail',
    /credHelpers sends it to docker-credential-ecr-login, which is not on PATH, so Docker's pulls fail \("docker-credential-ecr-login: executable file not found in \$PATH"\); fix: docker-credential-ecr configure --registry/,
  );
  // Installed and answering with a token (its shape: base64 JSON with the expiry, as ECR's): a working set-up.
  const goHelper = join(m.bin, 'docker-credential-ecr-login');
  const secret = Buffer.from(
    JSON.stringify({ payload: 'go-helper-secret-payload', expiration: Math.floor(Date.now() / 1000) + 3600 }),
  ).toString('base64');
  writeFileSync(
    goHelper,
    `#!/bin/sh\nread host\nprintf '{"ServerURL":"%s","Username":"AWS","Secret":"${secret}"}' "$host"\n`,
  );
  chmodSync(goHelper, 0o755);
  const answering = await doctor(m);
  assert.equal(answering.code, 0, answering.stdout);
  const verdict = line(
    answering,
    'warn',
    /credHelpers sends it to docker-credential-ecr-login \(.*\/bin\/docker-credential-ecr-login\), which answers Docker for it, not this helper \(asked now: it gave a token valid until \S+Z\)/,
  );
  assert.equal(fixOf(verdict), `to switch to this helper: docker-credential-ecr configure --registry ${HOST}`);
  assert.ok(
    !(answering.stdout + answering.stderr).includes(secret.slice(0, 16)),
    "the other helper's secret was printed",
  );

  // Giving nothing (what the Go helper answers on every failure): Docker pulls anonymously, and doctor says so.
  writeFileSync(goHelper, '#!/bin/sh\nprintf "credentials not found in native keychain"\nexit 1\n');
  engine.reset();
  const anonymous = await pull(m);
  assert.equal(anonymous.code, 1, transcript(anonymous));
  assert.equal(engine.pulls[0]?.auth?.password, undefined, 'Docker sent no credentials');
  const before = await doctor(m);
  assert.equal(before.code, 1, before.stdout);
  const failed = line(
    before,
    'fail',
    /credHelpers sends it to docker-credential-ecr-login \(.*\), which gives nothing for it \("credentials not found in native keychain"\) \(its log, ~\/\.ecr\/log\/ecr-login\.log, says why\) when asked now as Docker asks; Docker then pulls anonymously, and the pull fails with "no basic auth credentials"/,
  );
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
