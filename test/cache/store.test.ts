import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, readdirSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { TokenStore, type CacheEntry } from '../../src/cache/store';
import { createLogger } from '../../src/platform/log';
import { collector } from '../support/run-cli';
import { tempDir } from '../support/temp';

const KEY = { id: 'a'.repeat(32), description: 'ecr us-east-1 standard as test' };
const ENTRY: CacheEntry = {
  version: 1,
  key: KEY.description,
  registries: ['h'],
  username: 'AWS',
  password: 'pw',
  expiresAt: 2,
  fetchedAt: 1,
};

function logger() {
  const stderr = collector();
  return { log: createLogger({ level: 'debug', stderr: stderr.stream, now: () => 0 }), stderr };
}

test('creates the directory 0700 and files 0600, even under umask 000', () => {
  const old = process.umask(0);
  try {
    const dir = join(tempDir(), 'nested', 'cache');
    const store = TokenStore.open(dir, logger().log, Date.now)!;
    assert.ok(store.write(KEY, ENTRY));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, `${KEY.id}.json`)).mode & 0o777, 0o600);
    assert.deepEqual(store.read(KEY), ENTRY);
  } finally {
    process.umask(old);
  }
});

test('a corrupt entry is a miss and is removed', () => {
  const dir = tempDir();
  const store = TokenStore.open(dir, logger().log, Date.now)!;
  for (const junk of [
    '{"version":1,',
    '',
    'null',
    '{"version":1,"password":""}',
    Buffer.alloc(100_000, 'x').toString(),
  ]) {
    writeFileSync(join(dir, `${KEY.id}.json`), junk);
    assert.equal(store.read(KEY), undefined);
    assert.deepEqual(readdirSync(dir), []);
  }
});

test('refuses a group- or world-writable directory, with a warning', () => {
  const dir = tempDir();
  chmodSync(dir, 0o777);
  const { log, stderr } = logger();
  assert.equal(TokenStore.open(dir, log, Date.now), undefined);
  assert.match(stderr.text(), /writable by group or others \(mode 777\); not using the cache/);
});

test('refuses a directory another user owns', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, () => {
  const dir = tempDir();
  chownSync(dir, 65534, 65534);
  const { log, stderr } = logger();
  assert.equal(TokenStore.open(dir, log, Date.now), undefined);
  assert.match(stderr.text(), /belongs to another user \(uid 65534\)/);
});

test('tightens its own 0755 directory to 0700', () => {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  assert.ok(TokenStore.open(dir, logger().log, Date.now));
  assert.equal(statSync(dir).mode & 0o777, 0o700);
});

test('a path that cannot be a directory degrades to no cache with one warning', () => {
  const file = join(tempDir(), 'file');
  writeFileSync(file, '');
  const { log, stderr } = logger();
  assert.equal(TokenStore.open(join(file, 'cache'), log, Date.now), undefined);
  assert.match(stderr.text(), /cannot use cache directory .* \(ENOTDIR\); continuing without a cache/);
});

test('a failed write leaves no temporary file and says so', () => {
  const dir = tempDir();
  const { log, stderr } = logger();
  const store = TokenStore.open(dir, log, Date.now)!;
  // A directory squatting on the entry's name makes the final rename fail, even for root.
  mkdirSync(join(dir, `${KEY.id}.json`));
  assert.equal(store.write(KEY, ENTRY), false);
  assert.deepEqual(readdirSync(dir), [`${KEY.id}.json`]);
  assert.match(stderr.text(), /cannot write the token cache in .* \(EISDIR\); the token was not cached/);
});

test('temporary files left by killed writers are swept after a minute', () => {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  const leftover = join(dir, `${KEY.id}.json.999.dead.tmp`);
  writeFileSync(leftover, '{"half":');
  const old = (Date.now() - 120_000) / 1000;
  utimesSync(leftover, old, old);
  const store = TokenStore.open(dir, logger().log, Date.now)!;
  store.write(KEY, ENTRY);
  assert.deepEqual(readdirSync(dir), [`${KEY.id}.json`]);
});
