// docs/troubleshooting.md's transcripts and commands, run as written with the built helper against the fake AWS:
// the output must have the shape shown (the same checks in the same order with the same statuses and summary),
// not its paths, ports and times. Also the commands named in the text, and docs/setup.md's and credsstore.md's.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { assertBuilt, EXECUTABLE } from '../support/executable';
import { helperEnv, linkHelper, pathWith } from '../support/helper-bin';
import { transcript } from '../support/command';
import { tempDir } from '../support/temp';
import { docCommand, docTranscripts, runDocCommand } from '../support/doc-run';
import { storedEcrLogin } from '../support/stored-ecr-login';

const PAGE = 'docs/troubleshooting.md';
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const fake = useFakeAws();
const root = tempDir('dce-trouble-');
let bin: string;

before(() => {
  assertBuilt();
  bin = linkHelper(join(root, 'bin'));
});

function user(onPath = true): { env: Record<string, string>; home: string } {
  const home = tempDir('dce-trouble-home-');
  return {
    home,
    env: {
      ...helperEnv(fake.url, home),
      AWS_REGION: 'eu-west-1',
      PATH: onPath ? pathWith(bin) : (process.env.PATH ?? ''),
    },
  };
}

/** A doctor line's shape: its status and what it is about (the words before the first path, URL, number or colon). */
const shape = (line: string): string => {
  const m = /^(ok|warn|fail) +(.*)$/.exec(line);
  if (!m) return line.replace(/\d+/g, 'N');
  return `${m[1]} ${m[2].split(/[:/(]|\s\d|\shttp/)[0].trim()}`;
};
const lines = (out: string): string[] => out.split('\n').filter((l) => l !== '');

test('a good set-up: configure, then doctor, with the output the page shows (16 ok)', async () => {
  const [configure] = docTranscripts(PAGE, 'docker-credential-ecr configure');
  const [doctor] = docTranscripts(PAGE, 'docker-credential-ecr doctor');
  const u = user();
  const c = await runDocCommand(configure, { env: u.env });
  assert.equal(c.code, 0, `${PAGE}:${configure.line}\n${transcript(c)}`);
  const firstWords = (ls: string[]): string[] =>
    ls
      .map((l) => l.replace(/\/tmp\/[^\s:]+/g, 'PATH'))
      .map((l) => (/^[-+@]/.test(l) ? l : l.split(' ').slice(0, 3).join(' ')));
  assert.deepEqual(
    firstWords(lines(c.stdout + c.stderr).map((l) => l.split(u.home).join('/tmp/home'))),
    firstWords(configure.output!),
    `${PAGE}:${configure.line}: configure's output has the shape shown\n${transcript(c)}`,
  );
  const d = await runDocCommand(doctor, { env: u.env });
  assert.equal(d.code, 0, `${PAGE}:${doctor.line}\n${transcript(d)}`);
  assert.deepEqual(
    lines(d.stdout + d.stderr).map(shape),
    doctor.output!.map(shape),
    `${PAGE}:${doctor.line}: doctor's checks as shown\n${transcript(d)}`,
  );
});

test('a broken set-up: not on PATH, not in credHelpers, an old docker login, no IAM permission: the checks shown, exit 1', async () => {
  const [broken] = docTranscripts(PAGE, './docker-credential-ecr doctor');
  const u = user(false);
  copyFileSync(EXECUTABLE, join(u.home, 'docker-credential-ecr'));
  // What `aws ecr get-login-password | docker login` left 15 hours ago: a token that expired 3 hours ago.
  const { auth } = storedEcrLogin(Math.floor(Date.now() / 1000) - 3 * 3600);
  mkdirSync(join(u.home, '.docker'));
  writeFileSync(join(u.home, '.docker', 'config.json'), JSON.stringify({ auths: { [HOST]: { auth } } }));
  fake.fail('ecr', 'access-denied', { times: 10 });
  const d = await runDocCommand(broken, { env: u.env, cwd: u.home });
  assert.equal(d.code, 1, `${PAGE}:${broken.line}\n${transcript(d)}`);
  assert.deepEqual(
    lines(d.stdout + d.stderr).map(shape),
    broken.output!.map(shape),
    `${PAGE}:${broken.line}: doctor's checks as shown\n${transcript(d)}`,
  );
});

test('the commands the page names: doctor HOST, help configure, configure --registry <host>, man', async () => {
  const u = user();
  const doctorHost = docCommand(PAGE, 'docker-credential-ecr doctor [HOST|IMAGE]...');
  const fix = docCommand(PAGE, 'docker-credential-ecr configure --registry <host>');
  const f = await runDocCommand(fix, { env: u.env, values: { '<host>': HOST } });
  assert.equal(f.code, 0, `${PAGE}:${fix.line}: ${f.ran}\n${transcript(f)}`);
  assert.equal(
    (
      JSON.parse(readFileSync(join(u.home, '.docker', 'config.json'), 'utf8')) as {
        credHelpers: Record<string, string>;
      }
    ).credHelpers[HOST],
    'ecr',
  );
  const d = await runDocCommand(doctorHost, { env: u.env, values: { '[HOST|IMAGE]...': HOST } });
  assert.equal(d.code, 0, `${PAGE}:${doctorHost.line}: ${d.ran}\n${transcript(d)}`);
  assert.match(
    d.stdout,
    new RegExp(`^ok +${HOST.replace(/\./g, '\\.')}: credHelpers sends it to docker-credential-ecr$`, 'm'),
  );
  const help = docCommand(PAGE, 'docker-credential-ecr help configure');
  const h = await runDocCommand(help, { env: u.env });
  assert.equal(h.code, 0, transcript(h));
  assert.match(h.stdout, /--all-registries/);
});

test('docs/setup.md: configure writes the credHelpers the page shows', async () => {
  const u = user();
  const c = docCommand('docs/setup.md', 'docker-credential-ecr configure');
  const r = await runDocCommand(c, { env: { ...u.env, AWS_REGION: 'us-east-1' } });
  assert.equal(r.code, 0, transcript(r));
  const page = readFileSync(join(__dirname, '../../docs/setup.md'), 'utf8');
  const shown = JSON.parse(/```json\n([\s\S]*?)```/.exec(page)![1]) as { credHelpers: Record<string, string> };
  const written = JSON.parse(readFileSync(join(u.home, '.docker', 'config.json'), 'utf8')) as {
    credHelpers: Record<string, string>;
  };
  assert.deepEqual(Object.entries(written.credHelpers).sort(), Object.entries(shown.credHelpers).sort());
});

test('docs/credsstore.md: --all-registries, then --undo-all-registries puts the previous credsStore back', async () => {
  const u = user();
  const [on, off] = [
    docCommand(
      'docs/credsstore.md',
      'docker-credential-ecr configure --all-registries          # shows the diff of each file; --dry-run writes nothing',
    ),
    docCommand(
      'docs/credsstore.md',
      'docker-credential-ecr configure --undo-all-registries     # puts the previous credsStore back',
    ),
  ];
  mkdirSync(join(u.home, '.docker'));
  const config = join(u.home, '.docker', 'config.json');
  writeFileSync(config, JSON.stringify({ credsStore: 'pass' }));
  const a = await runDocCommand(on, { env: u.env });
  assert.equal(a.code, 0, transcript(a));
  assert.equal((JSON.parse(readFileSync(config, 'utf8')) as { credsStore: string }).credsStore, 'ecr');
  assert.match(a.stdout, /^\+.*"credsStore": ?"ecr"/m, 'it shows the diff');
  const b = await runDocCommand(off, { env: u.env });
  assert.equal(b.code, 0, transcript(b));
  assert.equal((JSON.parse(readFileSync(config, 'utf8')) as { credsStore: string }).credsStore, 'pass');
});
