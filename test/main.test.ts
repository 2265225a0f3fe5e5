// src/main.ts under Node (the runtime of the npm package), in a child process with real descriptors: the same
// answers as the compiled executable gives in test/e2e/executable.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from './support/temp';

const MAIN = resolve(__dirname, '../src/main.ts');

function runMain(
  args: string[],
  stdio: [number | 'pipe', number | 'pipe'],
  env: Record<string, string>,
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      stdio: [...stdio, 'pipe'],
      env: { PATH: process.env.PATH, ...env },
      cwd: resolve(__dirname, '..'),
    });
    let stdout = '';
    let stderr = '';
    p.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', fail);
    p.on('close', (code) => done({ code, stdout, stderr }));
    p.stdin?.end(stdin);
  });
}

test('under Node, stdout on a full device: one line on stderr and exit 1', async () => {
  const full = openSync('/dev/full', 'w');
  try {
    // `version` writes to stdout without any AWS call.
    const r = await runMain(['version'], ['pipe', full], { HOME: tempDir() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'docker-credential-ecr: cannot write to standard output: ENOSPC\n');
  } finally {
    closeSync(full);
  }
});

test('under Node, a directory as stdin: "no credentials server URL"', async () => {
  const dir = join(tempDir(), 'sub');
  mkdirSync(dir);
  const fd = openSync(dir, 'r');
  try {
    const r = await runMain(['get'], [fd, 'pipe'], { HOME: tempDir() });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'no credentials server URL\n');
  } finally {
    closeSync(fd);
  }
});

test('under Node, stdout closed by the reader (EPIPE): one line on stderr and exit 1', async () => {
  const r = await new Promise<{ code: number | null; stderr: string }>((done, fail) => {
    const p = spawn(process.execPath, ['--import', 'tsx', MAIN, 'version'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: tempDir() },
      cwd: resolve(__dirname, '..'),
    });
    p.stdout.destroy(); // the reader goes away before the helper writes its answer
    let stderr = '';
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', fail);
    p.on('close', (code) => done({ code, stderr }));
    p.stdin.end();
  });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'docker-credential-ecr: cannot write to standard output: EPIPE\n');
});
