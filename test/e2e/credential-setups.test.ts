// The credential set-ups where ECR helpers fail in the field, with the built executable against the fake AWS:
// MFA-protected roles (a real pseudo-terminal via util-linux `script`), EKS Pod Identity and ECS task roles (the
// fake's container-credentials endpoint), a clock 13 hours off, and no credentials with an unreachable instance
// metadata service (a black hole on 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable, type ExeResult } from '../support/executable';
import { tempDir } from '../support/temp';
import { shellCommand, shellQuote } from '../support/shell';
import { helperEnv } from '../support/helper-bin';

const fake = useFakeAws();
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const MFA_ROLE = 'arn:aws:iam::123456789012:role/mfa-puller';
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
const CODE = '123456';

/** An environment with no credentials of its own: only what each test gives. */
function bareEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env = helperEnv(fake.url, home);
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  return { ...env, ...extra };
}

/** A profile `mfa` that assumes MFA_ROLE from long-term keys in profile `base`, with mfa_serial. */
function mfaHome(): { home: string; env: Record<string, string> } {
  const home = tempDir();
  const env = bareEnv(home, { AWS_PROFILE: 'mfa', DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '1000' });
  writeFileSync(
    env.AWS_CONFIG_FILE,
    `[profile mfa]\nrole_arn = ${MFA_ROLE}\nsource_profile = base\nmfa_serial = ${SERIAL}\nregion = eu-west-1\n\n[profile base]\nregion = eu-west-1\n`,
  );
  writeFileSync(
    env.AWS_SHARED_CREDENTIALS_FILE,
    '[base]\naws_access_key_id = AKIAMFABASEKEY000001\naws_secret_access_key = mfa-base-secret\n',
  );
  fake.requireMfa(MFA_ROLE, { serialNumber: SERIAL, code: CODE });
  return { home, env };
}

interface TerminalRun {
  code: number | null;
  /** What the terminal showed: the prompt, the typed code's echo, stderr. */
  terminal: string;
  stdout: string;
}

/**
 * `get` with a pseudo-terminal as its controlling terminal (util-linux `script`), stdin and stdout redirected to
 * files as Docker's pipes would be; `answer` is typed at the terminal `delayMs` after the prompt shows (a person
 * reading their phone). `promptShown` resolves when the prompt is on the terminal (or the run ended without one).
 */
function runOnTerminal(
  env: Record<string, string>,
  answer: string,
  dir: string,
  delayMs = 0,
): { promptShown: Promise<void>; done: Promise<TerminalRun> } {
  const input = join(dir, `in-${Math.random()}`);
  const output = join(dir, `out-${Math.random()}`);
  writeFileSync(input, HOST);
  let shown: () => void = () => undefined;
  const promptShown = new Promise<void>((resolve) => (shown = resolve));
  const done = new Promise<TerminalRun>((resolve, fail) => {
    const child = spawn(
      'script',
      [
        '-q',
        '-e',
        '-c',
        `${shellCommand([EXECUTABLE, 'get'])} < ${shellQuote(input)} > ${shellQuote(output)}`,
        '/dev/null',
      ],
      { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let terminal = '';
    let prompted = false;
    const collect = (chunk: Buffer): void => {
      terminal += chunk.toString();
      if (!prompted && terminal.includes('MFA code for')) {
        prompted = true;
        shown();
        setTimeout(() => child.stdin.write(`${answer}\r`), delayMs);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', fail);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000 + delayMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      let stdout = '';
      try {
        stdout = readFileSync(output, 'utf8');
      } catch {
        // Nothing written.
      }
      shown();
      resolve({ code, terminal, stdout });
    });
  });
  return { promptShown, done };
}

const getOnTerminal = (env: Record<string, string>, answer: string, dir: string): Promise<TerminalRun> =>
  runOnTerminal(env, answer, dir).done;

/** The executable with no controlling terminal at all (setsid), as under CI, systemd or the kubelet. */
const getWithoutTerminal = (env: Record<string, string>): Promise<ExeResult> =>
  runExecutable(['-w', EXECUTABLE, 'get'], { stdin: HOST, env, exe: 'setsid' });

test('MFA: the code is asked for on the terminal, once; the token is cached, the code is not', async () => {
  const { home, env } = mfaHome();
  const first = await getOnTerminal(env, CODE, home);
  assert.equal(first.code, 0, first.terminal);
  assert.match(
    first.terminal,
    new RegExp(
      `docker-credential-ecr: MFA code for profile mfa \\(${SERIAL}\\) to pull from ${HOST.replace(/\./g, '\\.')}: `,
    ),
  );
  assert.equal(JSON.parse(first.stdout).Secret, fake.issued[0].password, 'stdout carries only the answer');
  assert.deepEqual(
    fake.mfaCalls.map((c) => c.outcome),
    ['ok'],
  );
  const principal = fake.principalFor(fake.callsFor('ecr')[0].accessKeyId);
  assert.equal(principal?.roleArn, MFA_ROLE);
  assert.equal(principal?.mfaSerialNumber, SERIAL);
  // The next pull, even without a terminal, is a cache hit: no prompt, no STS call.
  const second = await getWithoutTerminal(env);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(JSON.parse(second.stdout).Secret, fake.issued[0].password);
  assert.equal(fake.mfaCalls.length, 1);
});

test('MFA: a wrong code is refused by STS, and the pull fails saying so', async () => {
  const { home, env } = mfaHome();
  const result = await getOnTerminal(env, '000000', home);
  assert.equal(result.code, 1);
  assert.doesNotMatch(result.stdout, /Secret/, 'no token on stdout');
  assert.match(result.terminal, /invalid MFA one time pass code/);
  assert.deepEqual(
    fake.mfaCalls.map((c) => c.outcome),
    ['invalid-code'],
  );
  assert.equal(fake.callsFor('ecr').length, 0);
});

test('MFA: something other than a 6-digit code is not sent to STS; the pull fails saying what was wrong', async () => {
  const { home, env } = mfaHome();
  const result = await getOnTerminal(env, 'abc', home);
  assert.equal(result.code, 1);
  assert.doesNotMatch(result.stdout, /Secret/);
  assert.match(
    result.terminal,
    /profile mfa: no valid MFA code was entered \(6 digits\); run the pull again and type the code your MFA device shows/,
  );
  assert.equal(fake.mfaCalls.length, 0);
});

test('MFA without a terminal: fails without an STS call, naming the profile and what to do instead', async (t) => {
  const { env } = mfaHome();
  const result = await getWithoutTerminal(env);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /profile mfa needs an MFA code \(mfa_serial arn:aws:iam::123456789012:mfa\/alice\), and there is no terminal to ask for it on/,
  );
  assert.match(
    result.stderr,
    /pull once from a terminal .*aws configure export-credentials --profile mfa --format env/,
  );
  assert.equal(fake.mfaCalls.length, 0, 'no STS call without a code');
  t.diagnostic(`no terminal: failed after ${result.ms.toFixed(0)} ms`);
});

test('MFA: parallel pulls wait for the one prompt, even while a person takes longer than the lock wait', async (t) => {
  const { home, env } = mfaHome();
  // The prompting process; the code is typed 4 s after the prompt shows, longer than the others' normal lock
  // wait (1 + 2 s). The others start once the prompt is on the terminal, so the first one holds the lock.
  const prompting = runOnTerminal(env, CODE, home, 4_000);
  await prompting.promptShown;
  const others = await Promise.all([getWithoutTerminal(env), getWithoutTerminal(env), getWithoutTerminal(env)]);
  const first = await prompting.done;
  assert.equal(first.code, 0, first.terminal);
  for (const other of others) {
    assert.equal(other.code, 0, other.stderr);
    assert.equal(JSON.parse(other.stdout).Secret, JSON.parse(first.stdout).Secret);
  }
  assert.equal(fake.mfaCalls.length, 1, 'one prompt, one AssumeRole');
  assert.equal(fake.callsFor('ecr').length, 1);
  t.diagnostic(`the waiting pulls took ${others.map((o) => o.ms.toFixed(0)).join(', ')} ms`);
});

test('EKS Pod Identity / ECS: container credentials work, and their tokens are kept apart from other identities', async () => {
  const home = tempDir();
  const tokenFile = join(home, 'eks-pod-identity-token');
  writeFileSync(tokenFile, fake.containerAuthorizationToken);
  const env = bareEnv(home, {
    AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerCredentialsUrl,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
  });
  const first = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(fake.containerCalls.length, 1);
  assert.equal(fake.principalFor(fake.callsFor('ecr')[0].accessKeyId)?.source, 'container');
  const hit = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(JSON.parse(hit.stdout).Secret, JSON.parse(first.stdout).Secret);
  assert.equal(fake.callsFor('ecr').length, 1, 'a cache hit');
  // The same HOME with environment keys is another identity: another token.
  const keys = await runExecutable(['get'], { stdin: HOST, env: { ...helperEnv(fake.url, home) } });
  assert.equal(keys.code, 0, keys.stderr);
  assert.notEqual(JSON.parse(keys.stdout).Secret, JSON.parse(first.stdout).Secret);
  assert.equal(fake.callsFor('ecr').length, 2);
  assert.equal(readdirSync(join(home, '.cache', 'docker-credential-ecr')).filter((n) => n.endsWith('.json')).length, 2);

  const doctor = await runExecutable(['doctor', HOST], { env: { ...env, AWS_REGION: 'eu-west-1' } });
  assert.match(
    doctor.stdout,
    /from EKS Pod Identity or a container credentials endpoint \(AWS_CONTAINER_CREDENTIALS_FULL_URI http:\/\/127\.0\.0\.1:\d+\/v1\/credentials\)/,
  );
});

test('a container credentials endpoint that never answers: the get ends at its deadline (not hung), naming the cause', async (t) => {
  fake.fail('container', 'hang', { times: 5 });
  const home = tempDir();
  const tokenFile = join(home, 'token');
  writeFileSync(tokenFile, fake.containerAuthorizationToken);
  const env = bareEnv(home, {
    AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerCredentialsUrl,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '1500',
  });
  const result = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /did not answer in time|no AWS credentials/);
  t.diagnostic(`hanging container endpoint: failed after ${result.ms.toFixed(0)} ms (timeout 1500 ms)`);
});

for (const hours of [13, -13]) {
  test(`a clock ${Math.abs(hours)} hours ${hours > 0 ? 'behind' : 'ahead of'} AWS: the token is fetched, and cached for its real lifetime`, async () => {
    fake.setClockOffset(hours * 3600_000);
    const home = tempDir();
    const env = helperEnv(fake.url, home);
    const first = await runExecutable(['get'], { stdin: HOST, env });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr, '');
    const second = await runExecutable(['get'], { stdin: HOST, env });
    assert.equal(JSON.parse(second.stdout).Secret, JSON.parse(first.stdout).Secret);
    assert.equal(fake.issued.length, 1, 'the second get is a cache hit');
    const dir = join(home, '.cache', 'docker-credential-ecr');
    const entry = JSON.parse(
      readFileSync(
        join(
          dir,
          readdirSync(dir).find((n) => n.endsWith('.json'))!,
        ),
        'utf8',
      ),
    );
    const life = entry.expiresAt - entry.fetchedAt;
    assert.ok(Math.abs(life - 12 * 3600_000) < 60_000, `cached for ${(life / 3600_000).toFixed(2)} h on our clock`);
  });
}

test("a token truly expired on arrival (by AWS's clock) is never cached, and stderr says so", async () => {
  fake.setClockOffset(-13 * 3600_000);
  fake.setTokenLifetime(-60);
  const home = tempDir();
  const result = await runExecutable(['get'], { stdin: HOST, env: helperEnv(fake.url, home) });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /had already expired by AWS's own clock; it was not cached/);
});

test('no credentials and an unreachable instance metadata service: the clear error (its time: npm run bench)', async (t) => {
  const home = tempDir();
  const env = bareEnv(home, { AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.blackHoleUrl, AWS_ECR_DISABLE_CACHE: '1' });
  delete env.AWS_EC2_METADATA_DISABLED;
  const result = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no AWS credentials were found/);
  assert.ok(fake.blackHole.connections > 0, 'the metadata service was tried');
  t.diagnostic(`no credentials, IMDS black hole: ${result.ms.toFixed(0)} ms`);
});
