// Issue 27, point 6: `list` names every registry the helper can serve without asking: those a token served before
// (kept after the token expires, forgotten after 30 days unused) and the helper config's own host names, with no
// AWS call. Shown with the real docker CLI's classic builder (DOCKER_BUILDKIT=0), which sends credentials up front
// only for what `list` names under "credsStore": "ecr", against the fake engine (the Go helper's issue 251).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws, useFakeDockerEngine } from '../support/use-fake-aws';
import { runExecutable } from '../support/executable';
import { helperEnv, linkHelper, pathWith } from '../support/helper-bin';
import { runCommand, transcript } from '../support/command';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DAY = 24 * 3600_000;
const fake = useFakeAws();
const engine = useFakeDockerEngine();

/** A HOME whose Docker config has "credsStore": "ecr" (no store behind it), and a build context. */
function machine(): { env: Record<string, string>; context: string; cacheDir: string } {
  const home = tempDir('dce-list-home-');
  const bin = join(home, 'bin');
  linkHelper(bin);
  mkdirSync(join(home, '.docker'));
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ credsStore: 'ecr' }));
  mkdirSync(join(home, '.config', 'docker-credential-ecr'), { recursive: true });
  writeFileSync(join(home, '.config', 'docker-credential-ecr', 'config.json'), JSON.stringify({ credsStore: 'none' }));
  const context = join(home, 'context');
  mkdirSync(context);
  writeFileSync(join(context, 'Dockerfile'), `FROM ${HOST}/base:1\n`);
  return {
    env: { ...helperEnv(fake.url, home), PATH: pathWith(bin), DOCKER_HOST: engine.host, AWS_REGION: 'eu-west-1' },
    context,
    cacheDir: join(home, '.cache', 'docker-credential-ecr'),
  };
}

const list = async (env: Record<string, string>): Promise<Record<string, string>> => {
  const result = await runExecutable(['list'], { stdin: 'unused', env });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
};

/** Moves the one cached token's instants so that it expired `ago` ms ago. */
function expireCachedToken(cacheDir: string, ago: number): void {
  const [name] = readdirSync(cacheDir).filter((n) => n.endsWith('.json'));
  const file = join(cacheDir, name);
  const entry = JSON.parse(readFileSync(file, 'utf8')) as { expiresAt: number; fetchedAt: number };
  entry.expiresAt = Date.now() - ago;
  entry.fetchedAt = entry.expiresAt - 12 * 3600_000;
  writeFileSync(file, JSON.stringify(entry), { mode: 0o600 });
  for (const memo of readdirSync(cacheDir).filter((n) => n.endsWith('.hit'))) writeFileSync(join(cacheDir, memo), '');
}

test('the classic builder gets credentials for a registry whose token expired: list names it, get fetches a new token', async () => {
  const docker = requireTool('docker');
  const m = machine();
  assert.equal((await runExecutable(['get'], { stdin: HOST, env: m.env })).code, 0);
  const first = fake.issued[0].password;
  expireCachedToken(m.cacheDir, 3600_000);
  const calls = fake.calls.length;
  assert.deepEqual(await list(m.env), { [`https://${HOST}`]: 'AWS' });
  assert.equal(fake.calls.length, calls, 'list asked AWS');

  const build = await runCommand(docker, ['build', '-q', m.context], {
    env: { ...m.env, DOCKER_BUILDKIT: '0' },
    timeoutMs: 30_000,
  });
  assert.equal(build.code, 0, transcript(build));
  const sent = engine.builds[0]?.registryConfig ?? {};
  const auth = sent[`https://${HOST}`] ?? sent[HOST];
  assert.ok(auth, `no credentials for ${HOST} in X-Registry-Config: ${JSON.stringify(Object.keys(sent))}`);
  assert.equal(auth.username, 'AWS');
  assert.equal(auth.password, fake.issued.at(-1)!.password, 'the credentials are the token AWS just issued');
  assert.notEqual(auth.password, first);
});

test('a registry unused for 30 days is forgotten; 29 days is still named', async () => {
  const m = machine();
  assert.equal((await runExecutable(['get'], { stdin: HOST, env: m.env })).code, 0);
  expireCachedToken(m.cacheDir, 29 * DAY);
  assert.deepEqual(await list(m.env), { [`https://${HOST}`]: 'AWS' });
  expireCachedToken(m.cacheDir, 31 * DAY);
  assert.deepEqual(await list(m.env), {});
});

test('a refreshed token keeps naming every registry the old one served', async () => {
  const other = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';
  const m = machine();
  for (const host of [HOST, other]) assert.equal((await runExecutable(['get'], { stdin: host, env: m.env })).code, 0);
  expireCachedToken(m.cacheDir, 60_000);
  assert.equal((await runExecutable(['get'], { stdin: HOST, env: m.env })).code, 0);
  assert.equal(fake.callsFor('ecr').length, 2, 'the expired token was refreshed');
  assert.deepEqual(Object.keys(await list(m.env)).sort(), [`https://${other}`, `https://${HOST}`].sort());
});

test("the helper config's own hosts are named with nothing cached; patterns are not", async () => {
  const m = machine();
  const config = join(m.env.HOME, '.config', 'docker-credential-ecr', 'config.json');
  const other = '210987654321.dkr.ecr.us-west-2.amazonaws.com';
  writeFileSync(
    config,
    JSON.stringify({
      credsStore: 'none',
      registries: {
        [other]: { roleArn: 'arn:aws:iam::210987654321:role/puller' },
        '*.dkr.ecr.eu-west-1.amazonaws.com': { profile: 'x' },
      },
    }),
  );
  assert.deepEqual(await list(m.env), { [`https://${other}`]: 'AWS' });
  assert.equal(fake.calls.length, 0, 'list asked AWS');
});
