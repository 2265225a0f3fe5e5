// Doctor and configure on a profile whose role needs MFA: what they say without a terminal, and asking once at one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { useFakeAws } from '../../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../../support/executable';
import { shellCommand } from '../../support/shell';
import { fixOf, HOST, line, machineOn, onTerminal, type Machine } from './verdict-machine';

const fake = useFakeAws();
const machine = machineOn(fake);

const MFA_ROLE = 'arn:aws:iam::123456789012:role/mfa-puller';
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';

function mfaMachine(): Machine {
  const m = machine(
    { credHelpers: { [HOST]: 'ecr' } },
    { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'mfa', DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '2000' },
  );
  writeFileSync(
    m.env.AWS_CONFIG_FILE,
    `[profile mfa]\nrole_arn = ${MFA_ROLE}\nsource_profile = base\nmfa_serial = ${SERIAL}\nregion = eu-west-1\n\n[profile base]\nregion = eu-west-1\n`,
  );
  writeFileSync(
    m.env.AWS_SHARED_CREDENTIALS_FILE,
    '[base]\naws_access_key_id = AKIAMFABASEKEY000001\naws_secret_access_key = mfa-base-secret\n',
  );
  fake.requireMfa(MFA_ROLE, { serialNumber: SERIAL, code: '123456' });
  return m;
}

test('an MFA profile: without a terminal the identity line says a code is needed; at a terminal doctor asks once', async () => {
  const m = mfaMachine();
  const headless = await runExecutable(['-w', EXECUTABLE, 'doctor'], { env: m.env, exe: 'setsid' });
  assert.equal(headless.code, 1);
  const identity = line(headless, 'fail', /AWS identity/);
  assert.match(
    identity,
    /AWS identity from profile mfa: assumes role arn:aws:iam::123456789012:role\/mfa-puller from base, with MFA \(mfa_serial arn:aws:iam::123456789012:mfa\/alice\): profile mfa needs an MFA code .*there is no terminal to ask for it on/,
  );
  assert.doesNotMatch(headless.stdout, /no AWS credentials were found/);
  assert.match(fixOf(identity), /pull once from a terminal/);

  const session = await onTerminal(m.env, shellCommand([EXECUTABLE, 'doctor']), [
    [/MFA code for profile mfa/, '123456'],
  ]);
  assert.equal(session.code, 0, session.terminal);
  assert.equal((session.terminal.match(/MFA code for/g) ?? []).length, 1, 'asked once');
  assert.equal(fake.mfaCalls.length, 1);
  assert.match(
    session.terminal,
    /ok {4}AWS identity from profile mfa: .*with MFA \(mfa_serial arn:aws:iam::123456789012:mfa\/alice\): a token was had with it, so STS is not asked again/,
  );
  // The fix printed without a terminal works: the token is now cached, so the headless run passes. Issue 27: its
  // fresh check cannot ask for a code there, so it is "not checked", a warning, never ok; and nothing is asked.
  const later = await runExecutable(['-w', EXECUTABLE, 'doctor'], { env: m.env, exe: 'setsid' });
  assert.equal(later.code, 0, later.stdout);
  line(
    later,
    'warn',
    /: pulls work until \S+ \(in \d+ h\) with the cached token; a new one was not asked for: profile mfa needs an MFA code/,
  );
  line(
    later,
    'warn',
    /AWS identity from profile mfa: .*with MFA \(mfa_serial [^)]+\): not checked: profile mfa needs an MFA code/,
  );
  assert.doesNotMatch(later.stdout, /^ok {4}AWS identity/m);
  assert.equal(fake.mfaCalls.length, 1, 'no second code asked for');
});

test('an MFA profile: configure names the account from role_arn without asking STS (which would need a code); doctor checks that registry', async () => {
  const m = mfaMachine();
  rmSync(m.dockerConfig, { force: true });
  const configured = await runExecutable(['-w', EXECUTABLE, 'configure'], { env: m.env, exe: 'setsid' });
  assert.equal(configured.code, 0, configured.stderr);
  assert.match(
    configured.stdout,
    /^Profile mfa names account 123456789012 \(role_arn arn:aws:iam::123456789012:role\/mfa-puller, with MFA: STS not asked\): adding your registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(region eu-west-1 from AWS_REGION\)\.$/m,
  );
  assert.doesNotMatch(configured.stdout, /no AWS credentials were found/);
  assert.equal(fake.callsFor('sts').length, 0);
  assert.equal(fake.mfaCalls.length, 0);
  assert.equal(JSON.parse(readFileSync(m.dockerConfig, 'utf8')).credHelpers[HOST], 'ecr');
  // Without the registry routed, doctor's own-registry check knows the account from role_arn too.
  writeFileSync(m.dockerConfig, JSON.stringify({ credHelpers: { 'public.ecr.aws': 'ecr' } }));
  const headless = await runExecutable(['-w', EXECUTABLE, 'doctor'], { env: m.env, exe: 'setsid' });
  line(
    headless,
    'warn',
    /your account 123456789012's registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com is not in credHelpers/,
  );
});
