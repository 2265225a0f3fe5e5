import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshness, refreshMargin } from '../../src/cache/policy';

const MIN = 60_000;
const HOUR = 60 * MIN;

test('a 12-hour token is refreshed 15 minutes before it expires', () => {
  const token = { fetchedAt: 0, expiresAt: 12 * HOUR };
  assert.equal(refreshMargin(token), 15 * MIN);
  assert.equal(freshness(token, 0), 'fresh');
  assert.equal(freshness(token, 12 * HOUR - 15 * MIN - 1), 'fresh');
  assert.equal(freshness(token, 12 * HOUR - 15 * MIN), 'refresh-due');
  assert.equal(freshness(token, 12 * HOUR - 1), 'refresh-due');
  assert.equal(freshness(token, 12 * HOUR), 'expired');
  assert.equal(freshness(token, 13 * HOUR), 'expired');
});

test('a short-lived token is served for half its life', () => {
  const token = { fetchedAt: 1_000, expiresAt: 1_000 + 20 * MIN };
  assert.equal(refreshMargin(token), 10 * MIN);
  assert.equal(freshness(token, 1_000 + 10 * MIN - 1), 'fresh');
  assert.equal(freshness(token, 1_000 + 10 * MIN), 'refresh-due');
});

test('a token fetched already expired, or from the future, is never fresh', () => {
  assert.equal(freshness({ fetchedAt: 10, expiresAt: 5 }, 10), 'expired');
  assert.equal(refreshMargin({ fetchedAt: 10, expiresAt: 5 }), 0);
  assert.equal(freshness({ fetchedAt: 5 * HOUR, expiresAt: 12 * HOUR }, 1 * HOUR), 'refresh-due');
});
