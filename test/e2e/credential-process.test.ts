// credential_process identities, with the built executable against the fake AWS. The SDK runs the command line
// through a shell in the caller's environment, so one profile text can answer as several identities: the cache key
// takes what the command line expands (identity/credential-process.ts). A script that reads its environment by
// itself is not seen; docs/security.md says so, and how to name the variable on the command line instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';
import { shellQuote } from '../support/shell';
import { helperEnv } from '../support/helper-bin';

const fake = useFakeAws();
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

/** A HOME whose [default] profile runs `command`; cp.sh answers as AKIA<team> for the team in $1, else in $TEAM. */
function setUp(command: (script: string) => string): { home: string; env: Record<string, string>; script: string } {
  const home = tempDir();
  const script = join(home, 'cp.sh');
  writeFileSync(
    script,
    '#!/bin/sh\nteam="${1:-$TEAM}"\nkey=$(printf "AKIA%-16s" "$team" | tr " a-z-" "0A-Z0")\nprintf \'{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"secret-%s"}\\n\' "$key" "$team"\n',
  );
  chmodSync(script, 0o755);
  const env = helperEnv(fake.url, home);
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  writeFileSync(env.AWS_CONFIG_FILE, `[default]\ncredential_process = ${command(shellQuote(script))}\n`);
  return { home, env, script };
}

const keyOf = (team: string): string => `AKIA${team.toUpperCase().replace(/-/g, '0').padEnd(16, '0')}`;
const secretOf = (stdout: string): string => (JSON.parse(stdout) as { Secret: string }).Secret;

test("credential_process = cp.sh $TEAM: team-b is a miss fetched as team-b, never a hit on team-a's token", async () => {
  const { env } = setUp((script) => `${script} $TEAM`);
  const a = await runExecutable(['get'], { stdin: HOST, env: { ...env, TEAM: 'team-a' } });
  assert.equal(a.code, 0, a.stderr);
  const b = await runExecutable(['get'], { stdin: HOST, env: { ...env, TEAM: 'team-b' } });
  assert.equal(b.code, 0, b.stderr);
  assert.notEqual(secretOf(b.stdout), secretOf(a.stdout), "team-b was served team-a's token");
  assert.deepEqual(
    fake.callsFor('ecr').map((call) => call.accessKeyId),
    [keyOf('team-a'), keyOf('team-b')],
    'two calls, one per identity',
  );
  // Each team again: hits on its own entry (the full path, then the memo), no further call.
  for (const team of ['team-a', 'team-b', 'team-a', 'team-b']) {
    const again = await runExecutable(['get'], { stdin: HOST, env: { ...env, TEAM: team } });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      secretOf(again.stdout),
      secretOf(team === 'team-a' ? a.stdout : b.stdout),
      `${team} got the other team's token`,
    );
  }
  assert.equal(fake.callsFor('ecr').length, 2);
  // ${TEAM} and %TEAM% (cmd.exe) are the same reference.
  const braces = setUp((script) => `${script} "\${TEAM}"`);
  for (const team of ['team-a', 'team-b'])
    assert.equal((await runExecutable(['get'], { stdin: HOST, env: { ...braces.env, TEAM: team } })).code, 0);
  assert.deepEqual(
    fake
      .callsFor('ecr')
      .slice(2)
      .map((call) => call.accessKeyId),
    [keyOf('team-a'), keyOf('team-b')],
  );
});

test('a script that reads TEAM itself: the key cannot see it (documented); naming it on the command line makes two identities', async () => {
  // As docs/security.md says: the same command line in two environments is one key, whatever the script reads.
  const plain = setUp((script) => script);
  const a = await runExecutable(['get'], { stdin: HOST, env: { ...plain.env, TEAM: 'team-a' } });
  assert.equal(a.code, 0, a.stderr);
  const b = await runExecutable(['get'], { stdin: HOST, env: { ...plain.env, TEAM: 'team-b' } });
  assert.equal(b.code, 0, b.stderr);
  assert.equal(
    secretOf(b.stdout),
    secretOf(a.stdout),
    'if this now differs, the gap is closed: update docs/security.md',
  );
  assert.deepEqual(
    fake.callsFor('ecr').map((call) => call.accessKeyId),
    [keyOf('team-a')],
  );
  // The documented remedy: the variable named on the command line (a no-op assignment for the shell).
  const named = setUp((script) => `TEAM="$TEAM" ${script}`);
  for (const team of ['team-a', 'team-b']) {
    const result = await runExecutable(['get'], { stdin: HOST, env: { ...named.env, TEAM: team } });
    assert.equal(result.code, 0, result.stderr);
  }
  assert.deepEqual(
    fake
      .callsFor('ecr')
      .slice(1)
      .map((call) => call.accessKeyId),
    [keyOf('team-a'), keyOf('team-b')],
  );
});

test('credential_process by a bare name follows PATH, and a relative path the working directory', async () => {
  const { home, env, script } = setUp(() => 'cp.sh');
  const teamBin = (team: string): string => {
    const dir = join(home, team);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cp.sh'), `#!/bin/sh\nexec ${shellQuote(script)} ${team}\n`);
    chmodSync(join(dir, 'cp.sh'), 0o755);
    return dir;
  };
  for (const team of ['team-a', 'team-b']) {
    const result = await runExecutable(['get'], {
      stdin: HOST,
      env: { ...env, PATH: `${teamBin(team)}:${process.env.PATH}` },
    });
    assert.equal(result.code, 0, result.stderr);
  }
  assert.deepEqual(
    fake.callsFor('ecr').map((call) => call.accessKeyId),
    [keyOf('team-a'), keyOf('team-b')],
  );
  // ./cp.sh from two directories: two identities, and no memo serves one directory's token in the other
  // (the memo's name does not cover the working directory).
  writeFileSync(env.AWS_CONFIG_FILE, '[default]\ncredential_process = ./cp.sh\n');
  const served: string[] = [];
  for (const team of ['team-a', 'team-b', 'team-a', 'team-b', 'team-a', 'team-b']) {
    const result = await runExecutable(['get'], { stdin: HOST, env, cwd: join(home, team) });
    assert.equal(result.code, 0, result.stderr);
    served.push(secretOf(result.stdout));
  }
  assert.notEqual(served[0], served[1]);
  assert.deepEqual(
    served,
    [served[0], served[1], served[0], served[1], served[0], served[1]],
    "a directory was served the other's token",
  );
  assert.deepEqual(
    fake
      .callsFor('ecr')
      .slice(2)
      .map((call) => call.accessKeyId),
    [keyOf('team-a'), keyOf('team-b')],
  );
});

test('command lines too involved to read ($( ), backticks, $(( )), env, a relative file argument) never cross identities', async () => {
  const cases: [
    string,
    (script: string) => string,
    (team: string, dirs: Record<string, string>) => { env: Record<string, string>; cwd?: string },
  ][] = [
    ['$(printenv TEAM)', (script) => `${script} $(printenv TEAM)`, (team) => ({ env: { TEAM: team } })],
    ['backticks', (script) => `${script} \`printenv TEAM\``, (team) => ({ env: { TEAM: team } })],
    [
      '/usr/bin/env on PATH',
      () => '/usr/bin/env mycp',
      (team, dirs) => ({ env: { PATH: `${dirs[team]}:/usr/bin:/bin` } }),
    ],
    ['a relative file argument', () => '/bin/cat creds.json', (team, dirs) => ({ env: {}, cwd: dirs[team] })],
  ];
  for (const [name, command, per] of cases) {
    const { env, script, home } = setUp(command);
    const dirs: Record<string, string> = {};
    for (const team of ['team-a', 'team-b']) {
      const dir = join(home, team);
      mkdirSync(dir);
      dirs[team] = dir;
      writeFileSync(join(dir, 'mycp'), `#!/bin/sh\nexec ${shellQuote(script)} ${team}\n`);
      chmodSync(join(dir, 'mycp'), 0o755);
      writeFileSync(
        join(dir, 'creds.json'),
        `{"Version":1,"AccessKeyId":"${keyOf(team)}","SecretAccessKey":"secret-${team}"}\n`,
      );
    }
    const before = fake.callsFor('ecr').length;
    const secrets: string[] = [];
    for (const team of ['team-a', 'team-b', 'team-a', 'team-b']) {
      const { env: extra, cwd } = per(team, dirs);
      const r = await runExecutable(['get'], { stdin: HOST, env: { ...env, ...extra }, ...(cwd ? { cwd } : {}) });
      assert.equal(r.code, 0, `${name} as ${team}: ${r.stderr}`);
      secrets.push(secretOf(r.stdout));
    }
    assert.deepEqual(
      fake
        .callsFor('ecr')
        .slice(before)
        .map((call) => call.accessKeyId)
        .slice(0, 2),
      [keyOf('team-a'), keyOf('team-b')],
      `${name}: one call per identity`,
    );
    assert.notEqual(secrets[1], secrets[0], `${name}: team-b was served team-a's token`);
    assert.notEqual(secrets[3], secrets[2], `${name}: team-b was served team-a's token the second time`);
  }
});
