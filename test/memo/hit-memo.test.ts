import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHitMemo } from '../../src/memo/hit-memo';
import { DIR, KEY, NOW, read, recorded, TOKEN } from '../support/memo-records';

test('isHitMemo refuses what is not one', () => {
  const good = recorded().memo(DIR, { unreadable: false, reads: [read(`${DIR}/${KEY}.json`)] }, NOW)!;
  assert.ok(isHitMemo(good));
  assert.ok(
    isHitMemo({
      ...good,
      files: [{ path: '/a', fingerprint: null, absentUnder: { path: '/', fingerprint: '1:2:3:4:5:6' } }],
    }),
  );
  for (const bad of [
    null,
    1,
    {},
    { ...good, version: 2 },
    { ...good, keyId: '../../etc/passwd' },
    { ...good, keyId: '0123456789ABCDEF0123456789abcdef' },
    { ...good, keyId: '0123456789abcdef0123456789abcde' },
    { ...good, keyId: '0123456789abcdef0123456789abcdefa' },
    { ...good, keyId: '0123456789abcdeg0123456789abcdef' },
    { ...good, keyId: '/123456789abcdef0123456789abcdef' },
    { ...good, keyId: ':123456789abcdef0123456789abcdef' },
    { ...good, keyId: '`123456789abcdef0123456789abcdef' },
    { ...good, files: [{ path: 1 }] },
    { ...good, files: [{ path: '/a', fingerprint: 1 }] },
    { ...good, files: [{ path: '/a', fingerprint: null }, null] },
    { ...good, files: '/a' },
    {
      ...good,
      files: [{ path: '/a', fingerprint: '1:2:3:4:5:6', absentUnder: { path: '/', fingerprint: '1:2:3:4:5:6' } }],
    },
    { ...good, files: [{ path: '/a', fingerprint: null, absentUnder: { path: '/' } }] },
    { ...good, files: [{ path: '/a', fingerprint: null, absentUnder: null }] },
    { ...good, files: undefined },
    { ...good, answer: { kind: 'kubelet', authKey: 'h' } },
    { ...good, answer: { kind: 'other' } },
    { ...good, token: { ...TOKEN, password: '' } },
    { ...good, token: undefined },
    { ...good, entry: null },
  ])
    assert.equal(isHitMemo(bad), false, JSON.stringify(bad));
});
