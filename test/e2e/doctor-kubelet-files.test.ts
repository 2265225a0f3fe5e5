// doctor --kubelet reads the config through the bounded reader (platform/read-file.ts): a FIFO or a link to
// /dev/zero where the kubelet's config is expected is named and fails at once; before, the read blocked for ever
// (FIFO) or ran until memory ran out (/dev/zero). With the built executable, killed if it hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';

const env = (home: string): Record<string, string> => ({ HOME: home, PATH: '/usr/bin:/bin' });

test('a FIFO as the kubelet config: a failure naming it, no hang', async () => {
  const dir = tempDir('dce-kubelet-fifo-');
  const fifo = join(dir, 'config.yaml');
  execFileSync('mkfifo', [fifo]);
  const result = await runExecutable(['doctor', '--kubelet', fifo], { env: env(dir), killAfterMs: 15_000 });
  assert.equal(result.signal, null, 'doctor hung on the FIFO and was killed');
  assert.equal(result.code, 1);
  assert.match(
    result.stdout,
    new RegExp(
      `^fail  cannot read ${fifo.replace(/[.]/g, '\\.')}: .*not a regular file; fix: docker-credential-ecr kubelet-config > FILE writes a working one$`,
      'm',
    ),
  );
});

test('a link to /dev/zero in a config directory: refused as too large, no endless read', async () => {
  const dir = tempDir('dce-kubelet-zero-');
  symlinkSync('/dev/zero', join(dir, 'a.yaml'));
  const result = await runExecutable(['doctor', '--kubelet', dir], { env: env(dir), killAfterMs: 15_000 });
  assert.equal(result.signal, null, 'doctor was killed');
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^fail  cannot read .*: (.*not a regular file|.*larger than \d+ bytes)/m);
});
