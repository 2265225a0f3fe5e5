// Under GitHub Actions, through the built executable: the tokens are masked on stderr before the output, as the
// runner reads it, and never where a mask line would show them (a terminal, a file stderr is redirected to).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { useFakeAws } from '../../support/use-fake-aws';
import { assertBuilt, EXECUTABLE, runExecutable } from '../../support/executable';
import { requireTool } from '../../support/tools';
import { tempDir } from '../../support/temp';
import { shellCommand, shellQuote } from '../../support/shell';
import { envOn, HOST } from './token-run';

const fake = useFakeAws();
const env = envOn(fake);

before(() => assertBuilt());

/**
 * The GitHub Actions runner's rule (actions/runner ScriptHandler.cs + OutputManager.cs): every line of the step's
 * stdout and of its stderr is checked for a workflow command; `::add-mask::V` registers V and is not logged; every
 * other line is logged with registered values replaced by ***. Lines are handled in arrival order per stream.
 */
function runnerLog(streams: string[]): string {
  const masks: string[] = [];
  const logged: string[] = [];
  for (const line of streams.flatMap((s) => s.split('\n'))) {
    const command = /^\s*::add-mask::(.*)$/.exec(line);
    if (command) masks.push(command[1].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
    else logged.push(line);
  }
  return logged.map((line) => masks.reduce((text, mask) => text.split(mask).join('***'), line)).join('\n');
}

test('under GitHub Actions: masks on stderr before the output; stdout stays exactly the result', async () => {
  const e = env({ GITHUB_ACTIONS: 'true' });
  const result = await runExecutable(['login-password', HOST], { env: e });
  assert.equal(result.code, 0, result.stderr);
  const token = fake.issued[0].password;
  assert.equal(result.stdout, `${token}\n`, 'stdout is what `| docker login --password-stdin` reads');
  const auth = Buffer.from(`AWS:${token}`).toString('base64');
  assert.equal(result.stderr, `::add-mask::${token}\n::add-mask::${auth}\n`);
  // The runner reads both streams: a later step that prints the token (or its base64 auth) shows ***.
  const log = runnerLog([result.stderr, result.stdout, `echo ${token}\n`, `auth ${auth}\n`]);
  assert.doesNotMatch(log, new RegExp(token.slice(0, 40)));
  assert.match(log, /echo \*\*\*\n+auth \*\*\*/);

  const secret = await runExecutable(['pull-secret', '--name', 'ecr-pull', HOST], { env: e });
  assert.equal(secret.code, 0, secret.stderr);
  const manifest = parse(secret.stdout) as { data: Record<string, string> };
  assert.ok(
    secret.stderr.includes(`::add-mask::${manifest.data['.dockerconfigjson']}\n`),
    'the Secret data is masked too',
  );
  assert.doesNotMatch(runnerLog([secret.stderr, secret.stdout]), new RegExp(token.slice(0, 40)));
});

test('under GitHub Actions with stderr a terminal (a person, not the runner): no ::add-mask:: line shows the token on screen', async () => {
  requireTool('script');
  const e = env({ GITHUB_ACTIONS: 'true' });
  const output = join(tempDir(), 'password');
  const terminal = await new Promise<{ code: number | null; text: string }>((done, fail) => {
    // stdout to a file, stderr (and stdin) the pseudo-terminal `script` makes.
    const child = spawn(
      'script',
      ['-q', '-e', '-c', `${shellCommand([EXECUTABLE, 'login-password', HOST])} > ${shellQuote(output)}`, '/dev/null'],
      { env: { PATH: process.env.PATH, ...e }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, text: Buffer.concat(out).toString('utf8') }));
    child.stdin.end();
  });
  assert.equal(terminal.code, 0, terminal.text);
  const token = fake.issued[0].password;
  assert.equal(readFileSync(output, 'utf8'), `${token}\n`);
  assert.doesNotMatch(terminal.text, /add-mask/);
  assert.ok(!terminal.text.includes(token.slice(0, 40)), 'the token reached the terminal');
});

test('test of the test: without GITHUB_ACTIONS no mask is written, and the runner rule would log the token', async () => {
  const result = await runExecutable(['login-password', HOST], { env: env() });
  assert.equal(result.stderr, '');
  assert.match(runnerLog([result.stderr, result.stdout]), new RegExp(fake.issued[0].password.slice(0, 40)));
});

test('under GitHub Actions with stderr redirected to a file: no mask line, so the token never lands in that file', async () => {
  const file = join(tempDir('dce-tokens-err-'), 'stderr.txt');
  const fd = openSync(file, 'w');
  try {
    const child = spawn(EXECUTABLE, ['login-password', HOST], {
      env: { PATH: process.env.PATH, ...env({ GITHUB_ACTIONS: 'true' }) },
      stdio: ['ignore', 'pipe', fd],
    });
    const out: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 0);
    assert.equal(Buffer.concat(out).toString(), `${fake.issued[0].password}\n`);
  } finally {
    closeSync(fd);
  }
  assert.equal(readFileSync(file, 'utf8'), '');
});
