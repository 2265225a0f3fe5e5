import { test } from 'node:test';
import assert from 'node:assert/strict';
import { larger, smaller, wholePart } from '../../src/platform/numbers';

const VALUES = [
  0,
  1,
  -1,
  0.5,
  -0.5,
  2.75,
  1e300,
  -1e300,
  2 ** 53 + 2,
  Infinity,
  -Infinity,
  Number.NaN,
  1_800_000_000_000,
];

test('larger and smaller are Math.max and Math.min of two numbers, NaN and infinities included', () => {
  for (const a of VALUES)
    for (const b of VALUES) {
      assert.equal(larger(a, b), Math.max(a, b), `larger(${a}, ${b})`);
      assert.equal(smaller(a, b), Math.min(a, b), `smaller(${a}, ${b})`);
    }
});

test('wholePart is Math.floor for finite numbers from 0 up', () => {
  for (const x of [0, 0.2, 1, 1.999, 59.5, 3599.99, 86_400_000.5, 2 ** 52 + 0.5, 2 ** 60, 1e300])
    assert.equal(wholePart(x), Math.floor(x), `wholePart(${x})`);
});
