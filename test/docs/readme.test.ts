// The README's commands, run as written (test/support/doc-run.ts): the quick start and the fixes for the two errors
// with the real docker CLI against the fake engine and the built helper against the fake AWS, then the other
// commands it shows. The README is the front door: a command there that stopped working would fail here.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PullRecord } from '../support/fake-docker-engine';
import { useFakeAws, useFakeDockerEngine } from '../support/use-fake-aws';
import { assertBuilt } from '../support/executable';
import { helperEnv, linkHelper, pathWith } from '../support/helper-bin';
import { transcript } from '../support/command';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { docCommand, runDocCommand, REPO } from '../support/doc-run';

const README = 'README.md';
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const fake = useFakeAws();
const engine = useFakeDockerEngine({
  authorize: (pull: PullRecord) =>
    pull.auth?.username === 'AWS' && fake.issued.some((t) => t.password === pull.auth?.password),
});
const root = tempDir('dce-readme-');
let bin: string;

before(() => {
  requireTool('docker');
  assertBuilt();
  bin = linkHelper(join(root, 'bin'));
});

/** A new user's shell: a HOME of their own, AWS keys and region, docker and the helper on PATH. */
function newUser(): {
  env: Record<string, string>;
  home: string;
  config(): { auths?: Record<string, unknown>; credHelpers?: Record<string, string>; credsStore?: string };
} {
  const home = tempDir('dce-readme-home-');
  const env = { ...helperEnv(fake.url, home), AWS_REGION: 'us-east-1', PATH: pathWith(bin), DOCKER_HOST: engine.host };
  return { env, home, config: () => JSON.parse(readFileSync(join(home, '.docker', 'config.json'), 'utf8')) };
}

test('the quick start, as written: configure, then a private and a public pull with the real docker CLI', async () => {
  const lines = [
    'docker-credential-ecr configure',
    `docker pull ${HOST}/my-app:latest`,
    'docker pull public.ecr.aws/docker/library/alpine:latest',
  ].map((l) => docCommand(README, l));
  assert.deepEqual(
    lines.map((l) => l.line),
    [lines[0].line, lines[0].line + 1, lines[0].line + 2],
    'the quick start is configure and two pulls, in one block',
  );
  const user = newUser();
  for (const line of lines) {
    const r = await runDocCommand(line, { env: user.env });
    assert.equal(r.code, 0, `${README}:${line.line}: ${line.text}\n${transcript(r)}`);
  }
  assert.equal(user.config().credHelpers?.[HOST], 'ecr');
  assert.equal(user.config().credHelpers?.['public.ecr.aws'], 'ecr');
  assert.deepEqual(
    engine.pulls.map((p) => [p.fromImage, p.auth?.serveraddress]),
    [
      [`${HOST}/my-app`, HOST],
      ['public.ecr.aws/docker/library/alpine', 'public.ecr.aws'],
    ],
  );
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.equal(fake.callsFor('ecr-public').length, 1);
  const version = await runDocCommand(docCommand(README, 'docker-credential-ecr version'), { env: user.env });
  assert.match(version.stdout, /^docker-credential-ecr \d+\.\d+\.\d+\n$/, transcript(version));
  const doctor = await runDocCommand(docCommand(README, 'docker-credential-ecr doctor'), { env: user.env });
  assert.equal(doctor.code, 0, `${README}: docker-credential-ecr doctor after the quick start\n${transcript(doctor)}`);
  assert.match(doctor.stdout + doctor.stderr, /\d+ ok, 0 warnings?, 0 failed/);
});

test('the fix for Docker\'s "authorization token has expired": configure --registry HOST routes the host and removes the stored token', async () => {
  const readme = readFileSync(join(REPO, README), 'utf8');
  assert.match(
    readme,
    /\*\*`denied: Your authorization token has expired\. Reauthenticate and try again\.`\*\*[\s\S]*?`docker-credential-ecr configure --registry HOST` routes the host to the helper and removes the stored token/,
  );
  const user = newUser();
  // What `aws ecr get-login-password | docker login` left: a token in auths that AWS no longer accepts.
  mkdirSync(join(user.home, '.docker'));
  writeFileSync(
    join(user.home, '.docker', 'config.json'),
    JSON.stringify({ auths: { [HOST]: { auth: Buffer.from('AWS:stale-token-from-yesterday').toString('base64') } } }),
  );
  const pull = docCommand(README, `docker pull ${HOST}/my-app:latest`);
  const before = await runDocCommand(pull, { env: user.env });
  assert.notEqual(before.code, 0, transcript(before));
  assert.equal(engine.pulls.at(-1)?.auth?.password, 'stale-token-from-yesterday', 'Docker sent the stored token');
  const fix = docCommand(README, 'docker-credential-ecr configure --registry HOST');
  const fixed = await runDocCommand(fix, { env: user.env, values: { HOST } });
  assert.equal(fixed.code, 0, `${README}:${fix.line}: ${fixed.ran}\n${transcript(fixed)}`);
  assert.equal(user.config().auths?.[HOST], undefined, 'the stored token is gone');
  assert.equal(user.config().credHelpers?.[HOST], 'ecr');
  const after = await runDocCommand(pull, { env: user.env });
  assert.equal(after.code, 0, transcript(after));
  assert.ok(
    fake.issued.some((t) => t.password === engine.pulls.at(-1)?.auth?.password),
    'the pull sent a token AWS issued',
  );
});

test('the rule for the other set-up: configure --all-registries makes "credsStore": "ecr" serve a registry no file names', async () => {
  const user = newUser();
  const command = docCommand(README, 'docker-credential-ecr configure --all-registries');
  const r = await runDocCommand(command, { env: user.env });
  assert.equal(r.code, 0, `${README}:${command.line}\n${transcript(r)}`);
  assert.equal(user.config().credsStore, 'ecr');
  const other = '210987654321.dkr.ecr.eu-central-1.amazonaws.com';
  const pull = await runDocCommand(docCommand(README, `docker pull ${HOST}/my-app:latest`), {
    env: user.env,
    after: `docker pull ${other}/app:1`,
  });
  assert.equal(pull.code, 0, transcript(pull));
  assert.deepEqual(
    engine.pulls.map((p) => p.auth?.username),
    ['AWS', 'AWS'],
    pull.after,
  );
});

test('help and the man page, as the README names them', async () => {
  const user = newUser();
  const help = docCommand(README, 'docker-credential-ecr help COMMAND');
  for (const name of ['configure', 'doctor', 'login-password']) {
    const r = await runDocCommand(help, { env: user.env, values: { COMMAND: name } });
    assert.equal(r.code, 0, `${README}:${help.line}: ${r.ran}\n${transcript(r)}`);
    assert.match(r.stdout, new RegExp(`docker-credential-ecr ${name}`), `${r.ran}\n${transcript(r)}`);
  }
  // As the npm package installs the page: under a man directory on the MANPATH.
  const man = join(user.home, 'share', 'man', 'man1');
  mkdirSync(man, { recursive: true });
  writeFileSync(join(man, 'docker-credential-ecr.1'), readFileSync(join(REPO, 'docs', 'docker-credential-ecr.1')));
  const page = docCommand(README, 'man docker-credential-ecr');
  const r = await runDocCommand(page, {
    env: { ...user.env, MANPATH: join(user.home, 'share', 'man'), MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100' },
  });
  assert.equal(r.code, 0, `${README}:${page.line}\n${transcript(r)}`);
  assert.match(r.stdout, /NAME\s+docker-credential-ecr/, transcript(r));
});
