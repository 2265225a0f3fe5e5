// The README's quick start and its fixes for the two errors, run as written: each command line of the README's
// shell blocks through /bin/sh, with the real docker CLI against the fake engine and the built helper against the
// fake AWS. The README is the front door: a command there that stopped working would fail here.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PullRecord } from '../support/fake-docker-engine';
import { useFakeAws, useFakeDockerEngine } from '../support/use-fake-aws';
import { assertBuilt } from '../support/executable';
import { helperEnv, linkHelper, pathWith } from '../support/helper-bin';
import { runCommand, transcript, type CommandResult } from '../support/command';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';

const README = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');

/** The command lines of the first ```sh block under `heading`. */
function shellBlock(heading: string): string[] {
  const section = README.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  assert.ok(section, `README has no "## ${heading}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, `README's "${heading}" has no sh block`);
  return block.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

const fake = useFakeAws();
const engine = useFakeDockerEngine({ authorize: (pull: PullRecord) => pull.auth?.username === 'AWS' && fake.issued.some((t) => t.password === pull.auth?.password) });
const root = tempDir('dce-readme-');
let docker: string;
let bin: string;

before(() => {
  docker = requireTool('docker');
  assertBuilt();
  bin = linkHelper(join(root, 'bin'));
});

/** A new user's shell: a HOME of their own, AWS keys and region, docker and the helper on PATH. */
function newUser(): { env: Record<string, string>; home: string; sh(line: string): Promise<CommandResult> } {
  const home = tempDir('dce-readme-home-');
  const env = { ...helperEnv(fake.url, home), AWS_REGION: 'us-east-1', PATH: pathWith(bin), DOCKER_HOST: engine.host };
  return { env, home, sh: (line) => runCommand('/bin/sh', ['-c', line], { env, timeoutMs: 30_000 }) };
}

test('the quick start, as written: configure, then a private and a public pull with the real docker CLI', async () => {
  const lines = shellBlock('Quick start');
  assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['docker-credential-ecr', 'docker', 'docker'], 'the quick start is configure and two pulls');
  const user = newUser();
  for (const line of lines) {
    const r = await user.sh(line);
    assert.equal(r.code, 0, `${line}\n${transcript(r)}`);
  }
  const config = JSON.parse(readFileSync(join(user.home, '.docker', 'config.json'), 'utf8')) as { credHelpers: Record<string, string> };
  assert.equal(config.credHelpers['123456789012.dkr.ecr.us-east-1.amazonaws.com'], 'ecr');
  assert.equal(config.credHelpers['public.ecr.aws'], 'ecr');
  assert.deepEqual(
    engine.pulls.map((p) => [p.fromImage, p.auth?.serveraddress]),
    [
      ['123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app', '123456789012.dkr.ecr.us-east-1.amazonaws.com'],
      ['public.ecr.aws/docker/library/alpine', 'public.ecr.aws'],
    ],
  );
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.equal(fake.callsFor('ecr-public').length, 1);
  const version = await user.sh('docker-credential-ecr version');
  assert.match(version.stdout, /^docker-credential-ecr \d+\.\d+\.\d+\n$/);
});

test("the fix for Docker's \"authorization token has expired\": configure --registry HOST routes the host and removes the stored token", async () => {
  const host = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
  assert.match(README, /\*\*`denied: Your authorization token has expired\. Reauthenticate and try again\.`\*\*[\s\S]*?`docker-credential-ecr configure --registry HOST` routes the host to the helper and removes the stored token/);
  const user = newUser();
  // What `aws ecr get-login-password | docker login` left: a token in auths that AWS no longer accepts.
  mkdirSync(join(user.home, '.docker'));
  writeFileSync(join(user.home, '.docker', 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from('AWS:stale-token-from-yesterday').toString('base64') } } }));
  const before = await user.sh(`docker pull ${host}/my-app:latest`);
  assert.notEqual(before.code, 0, transcript(before));
  assert.equal(engine.pulls.at(-1)?.auth?.password, 'stale-token-from-yesterday', 'Docker sent the stored token');
  const fix = await user.sh(`docker-credential-ecr configure --registry ${host}`);
  assert.equal(fix.code, 0, transcript(fix));
  const config = JSON.parse(readFileSync(join(user.home, '.docker', 'config.json'), 'utf8')) as { auths?: Record<string, unknown>; credHelpers: Record<string, string> };
  assert.equal(config.auths?.[host], undefined, 'the stored token is gone');
  const after = await user.sh(`docker pull ${host}/my-app:latest`);
  assert.equal(after.code, 0, transcript(after));
  assert.ok(fake.issued.some((t) => t.password === engine.pulls.at(-1)?.auth?.password), 'the pull sent a token AWS issued');
});
