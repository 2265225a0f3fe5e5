// Issue 27, point 7, through the built executable: the MFA fix names AWS CLI v2 (export-credentials is v2 only);
// an ECR Public hint names AWS_ENDPOINT_URL_ECR_PUBLIC; the MFA identity line carries no sentence about public
// images; a clean plain doctor suggests `doctor IMAGE` (asserted in test/e2e/doctor/report.test.ts's good set-up,
// and here: not after a failure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';
import { shellCommand } from '../support/shell';
import { machineOn } from './doctor-verdicts/verdict-machine';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const MFA_ROLE = 'arn:aws:iam::123456789012:role/mfa-puller';
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
const fake = useFakeAws();

/** A home with the helper on PATH and Docker's config naming it in credHelpers (machineOn of the verdict tests). */
const machine = (credHelpers: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> =>
  machineOn(fake)({ credHelpers }, extra).env;

function mfaMachine(credHelpers: Record<string, string>): Record<string, string> {
  const env = machine(credHelpers, {
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_PROFILE: 'mfa',
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '2000',
  });
  writeFileSync(
    env.AWS_CONFIG_FILE,
    `[profile mfa]\nrole_arn = ${MFA_ROLE}\nsource_profile = base\nmfa_serial = ${SERIAL}\nregion = eu-west-1\n\n[profile base]\nregion = eu-west-1\n`,
  );
  writeFileSync(
    env.AWS_SHARED_CREDENTIALS_FILE,
    '[base]\naws_access_key_id = AKIAMFABASEKEY000001\naws_secret_access_key = mfa-base-secret\n',
  );
  fake.requireMfa(MFA_ROLE, { serialNumber: SERIAL, code: '123456' });
  return env;
}

test('the MFA fix without a terminal says export-credentials needs AWS CLI v2', async () => {
  const env = mfaMachine({ [HOST]: 'ecr' });
  const result = await runExecutable(['-w', EXECUTABLE, 'get'], { env, exe: 'setsid', stdin: HOST });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /put a session in the environment first \(AWS CLI v2\): eval "\$\(aws configure export-credentials --profile mfa --format env\)"/,
  );
});

test('the MFA identity line carries no sentence about public images, even when the first host is public', async () => {
  const env = mfaMachine({ 'public.ecr.aws': 'ecr', [HOST]: 'ecr' });
  const result = await runExecutable(['-w', EXECUTABLE, 'doctor'], { env, exe: 'setsid' });
  assert.equal(result.code, 1, result.stdout);
  const identity = result.stdout.split('\n').find((l) => /AWS identity from profile mfa/.test(l));
  assert.ok(identity, result.stdout);
  assert.match(identity, /with MFA \(mfa_serial [^)]+\): profile mfa needs an MFA code/);
  assert.doesNotMatch(identity, /public images|anonymously/);
  assert.doesNotMatch(result.stdout, /The token side is sound/, 'no doctor IMAGE suggestion after a failure');
});

test('an ECR Public answer that is not a token names AWS_ENDPOINT_URL_ECR_PUBLIC, not AWS_ENDPOINT_URL_ECR', async () => {
  const env = machine({ 'public.ecr.aws': 'ecr' });
  fake.fail('ecr-public', 'malformed', { times: 5 });
  const result = await runExecutable(['get'], { env, stdin: 'public.ecr.aws' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /if AWS_ENDPOINT_URL_ECR_PUBLIC or a proxy is set, check what answers there/);
  assert.doesNotMatch(result.stderr, /AWS_ENDPOINT_URL_ECR or/);
});

test('issue 27 point 2: the docker-credential-ecr Docker runs is another executable that gives nothing: the route line fails', async () => {
  const env = machine({ [HOST]: 'ecr' });
  const shadow = join(tempDir('dce-doctor-shadow-'), 'bin');
  mkdirSync(shadow);
  writeFileSync(
    join(shadow, 'docker-credential-ecr'),
    '#!/bin/sh\nprintf "credentials not found in native keychain"\nexit 1\n',
    { mode: 0o755 },
  );
  env.PATH = `${shadow}:${env.PATH}`;
  const result = await runExecutable(['doctor'], { env });
  assert.equal(result.code, 1, result.stdout);
  assert.match(
    result.stdout,
    new RegExp(
      `^fail  ${HOST.replace(/\./g, '\\.')}: credHelpers sends it to docker-credential-ecr, but the docker-credential-ecr Docker runs \\(${shadow.replace(/\./g, '\\.')}/docker-credential-ecr, not this executable\\) gives nothing for it`,
      'm',
    ),
  );
  assert.match(result.stdout, /^warn  PATH has .*which is not this executable/m);
});

/** `command` at a pseudo-terminal (util-linux `script`); every MFA prompt is answered with the code. */
function atTerminal(env: Record<string, string>, command: string): Promise<{ code: number | null; terminal: string }> {
  return new Promise((done, fail) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      env: { ...env, PATH: `${env.PATH}:${process.env.PATH}` },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let terminal = '';
    let answered = 0;
    const collect = (chunk: Buffer): void => {
      terminal += chunk.toString();
      const prompts = (terminal.match(/MFA code for/g) ?? []).length;
      for (; answered < prompts; answered++) child.stdin.write('123456\r');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', fail);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, terminal });
    });
  });
}

test('issue 27 point 1: an MFA identity with registries in two regions is asked for one code per run; the second region is "not checked"', async () => {
  const other = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
  const env = mfaMachine({ [HOST]: 'ecr', [other]: 'ecr' });
  const session = await atTerminal(env, shellCommand([EXECUTABLE, 'doctor']));
  assert.equal((session.terminal.match(/MFA code for/g) ?? []).length, 1, session.terminal);
  assert.equal(fake.mfaCalls.length, 1);
  assert.equal(session.code, 0, session.terminal);
  assert.match(
    session.terminal,
    /ok {4}123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com: ECR API in eu-west-1 .*token fetched from AWS now/,
  );
  assert.match(
    session.terminal,
    /warn  123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com: .*no cached token, and a new one was not asked for: a second MFA code would be needed \(doctor asks for one code per run\)/,
  );
});

test('an AWS config file doctor cannot read (/dev/zero): a failure naming it, with a fix about the file, not the helper config', async () => {
  const env = machine({ [HOST]: 'ecr' }, { AWS_CONFIG_FILE: '/dev/zero' });
  const result = await runExecutable(['doctor', HOST], { env });
  assert.equal(result.code, 1, result.stdout);
  const line = result.stdout.split('\n').find((l) => l.startsWith('fail  ') && l.includes('/dev/zero'));
  assert.ok(line, result.stdout);
  assert.match(
    line,
    /fix: make the file it names a regular file of its usual size \(not a pipe or a device\), or point the setting that names it elsewhere$/,
  );
  assert.doesNotMatch(result.stdout, /fix: (fix|edit) .*config\.json/);
});
