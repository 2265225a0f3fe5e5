import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { fingerprintOf, sameAsRecorded } from '../../src/platform/file-fingerprint';

const FIELDS = ['dev', 'ino', 'size', 'mtimeMs', 'ctimeMs', 'mode'] as const;

// The hit compares a stat with a recorded fingerprint by sameAsRecorded(); the full path records fingerprintOf().
// The two must agree on every stat: a match exactly when the strings are equal.
test('sameAsRecorded(stat, fingerprintOf(other)) is fingerprintOf(stat) === fingerprintOf(other)', () => {
  const real = statSync(process.execPath);
  const stats = [
    { dev: real.dev, ino: real.ino, size: real.size, mtimeMs: real.mtimeMs, ctimeMs: real.ctimeMs, mode: real.mode },
    { dev: 65024, ino: 4399148, size: 296, mtimeMs: 1796573272388.966, ctimeMs: 1796573272392.966, mode: 33152 },
    { dev: 0, ino: 2 ** 53 - 1, size: 0, mtimeMs: 0.001, ctimeMs: 1e21, mode: 0o100600 },
    { dev: 1, ino: 1, size: 1, mtimeMs: 1796573272388.1, ctimeMs: 1796573272388.9999, mode: 0o40700 },
  ];
  for (const stat of stats) {
    assert.equal(sameAsRecorded(stat, fingerprintOf(stat)), true, fingerprintOf(stat));
    for (const field of FIELDS) {
      for (const delta of [1, -1, 0.001, 1e-6]) {
        const other = { ...stat, [field]: stat[field] + delta };
        assert.equal(
          sameAsRecorded(stat, fingerprintOf(other)),
          fingerprintOf(stat) === fingerprintOf(other),
          `${field} ${delta}`,
        );
        assert.equal(
          sameAsRecorded(other, fingerprintOf(stat)),
          fingerprintOf(stat) === fingerprintOf(other),
          `${field} ${delta}`,
        );
      }
    }
  }
});

test('a recorded fingerprint of another shape never matches', () => {
  const stat = { dev: 1, ino: 2, size: 3, mtimeMs: 4.5, ctimeMs: 6.5, mode: 7 };
  for (const recorded of [
    '',
    'unreadable',
    '1:2:3:4.5:6.5',
    '1:2:3:4.5:6.5:7:8',
    '1:2:3:4.5:6.5:x',
    'NaN:2:3:4.5:6.5:7',
  ])
    assert.equal(sameAsRecorded(stat, recorded), false, recorded);
});
