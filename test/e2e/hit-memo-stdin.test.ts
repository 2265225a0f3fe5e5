// The memo of a cache hit (src/fast-hit.ts) and stdin as it may come: late on a non-blocking descriptor, a character
// device. With the built executable against the fake AWS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../support/executable';
import { fromMemo, HOST, mark, primed, setupWith, type Setup } from '../support/hit-memo';
import { tempDir } from '../support/temp';

const fake = useFakeAws({ resetEach: true });
const setup = (): Setup => setupWith(fake.url);

test('a non-blocking stdin whose request arrives late (EAGAIN first): still answered from the memo', async () => {
  const s = setup();
  const { memo } = await primed(s);
  mark(memo);
  // A FIFO made non-blocking by perl (Debian's perl-base) just before it runs the executable: spawn itself makes a
  // child's stdin blocking. The executable's first read(2) finds no data yet and says EAGAIN.
  const fifo = join(tempDir(), 'stdin');
  execFileSync('mkfifo', ['-m', '600', fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY);
  try {
    const nonBlocking =
      'use Fcntl; fcntl(STDIN, F_SETFL, fcntl(STDIN, F_GETFL, 0) | O_NONBLOCK) or die; exec @ARGV or die';
    const running = runExecutable(['-e', nonBlocking, EXECUTABLE, 'get'], {
      exe: 'perl',
      env: s.env,
      stdinFd: reader,
      killAfterMs: 15_000,
    });
    await new Promise((done) => setTimeout(done, 300));
    writeSync(writer, HOST);
    closeSync(writer);
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fromMemo(r), `not from the memo: ${r.stdout}`);
  } finally {
    closeSync(reader);
  }
});

test('a character device as stdin (/dev/null): an empty request, refused by the full path, as before', async () => {
  const s = setup();
  const { memo } = await primed(s);
  mark(memo);
  const devNull = openSync('/dev/null', 'r');
  try {
    const r = await runExecutable(['get'], { env: s.env, stdinFd: devNull });
    // The protocol's error, on stdout as Docker reads it.
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'no credentials server URL\n');
  } finally {
    closeSync(devNull);
  }
});

test('/dev/zero as stdin: read no further than the bound, an oversized request refused, at once', async () => {
  const s = setup();
  const { memo } = await primed(s);
  mark(memo);
  const devZero = openSync('/dev/zero', 'r');
  try {
    const r = await runExecutable(['get'], { env: s.env, stdinFd: devZero });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'credentials not found in native keychain\n');
  } finally {
    closeSync(devZero);
  }
});
