// `configure` in-process: how it refuses a file it cannot change (read-only or immutable, in a read-only
// directory) or cannot read as JSON: a clear error, exit 1, and the file left as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp';
import { configure, fingerprint, HOST, setup } from './configure-home';

/** Makes a path unwritable even for root: the immutable attribute when it can be set, else permission bits. */
function makeReadOnly(path: string): () => void {
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    const set = spawnSync('chattr', ['+i', path]);
    if (set.status === 0) return () => void spawnSync('chattr', ['-i', path]);
    return () => undefined; // Root without chattr: the caller skips.
  }
  const mode = statSync(path).mode & 0o777;
  chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
  return () => chmodSync(path, mode);
}

const canMakeReadOnly = ((): boolean => {
  if (process.getuid?.() !== 0) return true;
  const probe = join(tempDir('dce-chattr-'), 'probe');
  writeFileSync(probe, '');
  const ok = spawnSync('chattr', ['+i', probe]).status === 0;
  if (ok) spawnSync('chattr', ['-i', probe]);
  return ok;
})();

test(
  'a read-only (immutable) config file: clear error, exit 1, file untouched',
  { skip: canMakeReadOnly ? false : 'root without chattr: cannot make a file read-only' },
  async () => {
    const s = setup('{\n\t"experimental": "enabled"\n}\n');
    const before = fingerprint(s.file);
    const restore = makeReadOnly(s.file);
    try {
      const result = await configure(s, '--registry', HOST);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /cannot write .*config\.json: permission denied \(E(PERM|ACCES)\).*read-only or immutable.*; nothing was changed/,
      );
      assert.equal(result.stdout.includes('Wrote'), false);
    } finally {
      restore();
    }
    assert.deepEqual(fingerprint(s.file), before);
  },
);

test(
  'a read-only directory: clear error, exit 1, nothing left behind',
  { skip: canMakeReadOnly ? false : 'root without chattr' },
  async () => {
    const s = setup('{}');
    const restore = makeReadOnly(s.dir);
    try {
      const result = await configure(s, '--registry', HOST);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /cannot write .*: permission denied/);
    } finally {
      restore();
    }
    assert.equal(readFileSync(s.file, 'utf8'), '{}');
    assert.deepEqual(
      spawnSync('ls', ['-A', s.dir], { encoding: 'utf8' }).stdout.trim().split('\n'),
      ['config.json'],
      'no temporary file left',
    );
  },
);

test('a config that is not valid JSON is refused with its line, and left alone', async () => {
  const text = '{\n\t"auths": {},\n\t"credHelpers": {\n\t\t"a": "b",\n\t}\n}\n';
  const s = setup(text);
  const result = await configure(s, '--registry', HOST);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /config\.json:4: not valid JSON: a comma after the last entry, before "}" \(JSON allows none there\); remove the "," at the end of line 4 of .*config\.json, then run configure again; nothing was changed/,
  );
  assert.equal(readFileSync(s.file, 'utf8'), text);
});
