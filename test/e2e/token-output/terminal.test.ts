// No token on a terminal: login-password, dockerconfigjson and pull-secret refuse a terminal as stdout unless asked
// with --show, through the built executable under a pseudo-terminal (util-linux `script`).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { useFakeAws } from '../../support/use-fake-aws';
import { assertBuilt, EXECUTABLE } from '../../support/executable';
import { requireTool } from '../../support/tools';
import { shellCommand } from '../../support/shell';
import { envOn, HOST } from './token-run';

const fake = useFakeAws();
const env = envOn(fake);

before(() => assertBuilt());

/** Runs the executable with a pseudo-terminal as stdout (util-linux `script`); returns what reached the terminal. */
function onTerminal(args: string[], e: Record<string, string>): Promise<{ code: number | null; terminal: string }> {
  requireTool('script');
  return new Promise((done, fail) => {
    const command = shellCommand([EXECUTABLE, ...args]);
    const child = spawn('script', ['-q', '-e', '-c', `${command} </dev/null`, '/dev/null'], {
      env: { PATH: process.env.PATH, ...e },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, terminal: Buffer.concat(out).toString('utf8') }));
    child.stdin.end();
  });
}

test('never on a terminal unless asked: refused without --show, printed with it', async () => {
  const e = env();
  const refused = await onTerminal(['login-password', HOST], e);
  assert.equal(refused.code, 1, refused.terminal);
  assert.match(
    refused.terminal,
    /standard output is a terminal, so the token would stay on screen; pipe it \(`docker-credential-ecr login-password 123456789012\.dkr\.ecr\.eu-central-1\.amazonaws\.com \| docker login --username AWS --password-stdin/,
  );
  assert.equal(fake.calls.length, 0, 'refused before any token was fetched');
  for (const command of [
    ['dockerconfigjson', HOST],
    ['pull-secret', '--name', 'ecr', HOST],
  ]) {
    const other = await onTerminal(command, e);
    assert.equal(other.code, 1, other.terminal);
    assert.match(other.terminal, /standard output is a terminal/);
  }
  const shown = await onTerminal(['login-password', '--show', HOST], e);
  assert.equal(shown.code, 0, shown.terminal);
  assert.equal(shown.terminal.trim(), fake.issued[0].password);
});
