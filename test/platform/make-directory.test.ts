import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectory } from '../../src/platform/make-directory';
import { tempDir } from '../support/temp';

test('creates missing parents 0700, and an existing directory is fine', () => {
  const root = tempDir();
  const dir = join(root, 'a', 'b', 'c');
  makeDirectory(dir);
  makeDirectory(dir);
  for (const d of [join(root, 'a'), join(root, 'a', 'b'), dir]) assert.equal(statSync(d).mode & 0o777, 0o700);
});

test('fails, and never spins, where a directory cannot be made', () => {
  const file = join(tempDir(), 'file');
  writeFileSync(file, '');
  assert.throws(() => makeDirectory(join(file, 'x', 'y')), { code: 'ENOTDIR' });
  assert.throws(() => makeDirectory('/proc/self/no-such-thing/x'), { code: 'ENOENT' });
});
