// src/platform/stdio.ts in a child process, where fds 0, 1 and 2 are real pipes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const STDIO = resolve(__dirname, '../../src/platform/stdio.ts');

function child(
  code: string,
  input: string,
  { delayMs = 0 } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `const { standardInput, standardOutput } = require(${JSON.stringify(STDIO)});\n(async () => {\n${code}\n})();`;
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', fail);
    p.on('close', (exit) => done({ code: exit, stdout, stderr }));
    setTimeout(() => p.stdin.end(input), delayMs);
  });
}

const ECHO = `let text = ''; for await (const chunk of standardInput()) text += chunk.toString(); standardOutput(1).write('out:' + text); standardOutput(2).write('err:' + text.length);`;

test('standardInput reads all of a pipe; standardOutput writes to fds 1 and 2', async () => {
  const big = 'x'.repeat(200_000);
  const r = await child(ECHO, big);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `out:${big}`);
  assert.equal(r.stderr, `err:${big.length}`);
});

test('standardInput falls back to process.stdin on a non-blocking descriptor (EAGAIN)', async () => {
  // process.stdin on a pipe makes fd 0 non-blocking; the input arrives later, so read(2) says EAGAIN first.
  const r = await child(`process.stdin.pause(); ${ECHO}`, 'public.ecr.aws', { delayMs: 300 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'out:public.ecr.aws');
});

test('anything but write and iteration is the real stream', async () => {
  const r = await child(
    `const out = standardOutput(1); out.write('a'); process.stdout.write('b'); out.write('c'); standardOutput(2).write(String(typeof out.on === 'function' && out.writable));`,
    '',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'abc');
  assert.equal(r.stderr, 'true');
});
