// Doctor's and configure's verdicts on Docker's config.json where nothing needs pulling to show them: credsStore
// "ecr" routing the own account's registry, and an expired SSO session still naming the account and region.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { useFakeAws } from '../../../support/use-fake-aws';
import { STALE } from '../docker-pull';
import { apply, doctor, fixOf, HOST, line, machineOn, run } from '../verdict-machine';

const fake = useFakeAws();
const machine = machineOn(fake);

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
