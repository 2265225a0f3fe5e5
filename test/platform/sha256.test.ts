import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { sha256Hex } from '../../src/platform/sha256';

const reference = (text: string): string => createHash('sha256').update(text).digest('hex');

test('sha256Hex: FIPS 180-4 examples', () => {
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(
    sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
});

test('sha256Hex matches node:crypto at every length around the block boundaries, and on UTF-8', () => {
  for (let length = 0; length <= 300; length++) {
    const text = randomBytes(length).toString('latin1');
    assert.equal(sha256Hex(text), reference(text), `length ${length}`);
  }
  for (const text of [
    'ecr\neu-west-1\nprofile:prod:0123',
    'é',
    '日本語のプロファイル',
    '\u{1F600}'.repeat(40),
    'x'.repeat(100_000),
  ])
    assert.equal(sha256Hex(text), reference(text));
});
