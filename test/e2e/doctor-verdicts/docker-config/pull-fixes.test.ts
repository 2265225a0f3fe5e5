// Doctor's verdicts where Docker is the one that fails, with the real docker CLI pulling from a fake engine (what
// the engine receives is what a registry would get), before the fix and after it: a stale login next to
// credHelpers, a registry missing from credHelpers, the quick start without a region.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useFakeAws } from '../../../support/use-fake-aws';
import { EXECUTABLE } from '../../../support/executable';
import { transcript } from '../../../support/command';
import { shellCommand } from '../../../support/shell';
import { STALE, useDockerPull } from '../docker-pull';
import { apply, doctor, esc, fixOf, HOST, line, machineOn, onTerminal, run } from '../verdict-machine';

const fake = useFakeAws();
const machine = machineOn(fake);
const { engine, pull } = useDockerPull(fake);

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
