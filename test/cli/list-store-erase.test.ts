// list, store and erase through the real CLI, in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInProcess } from '../support/run-cli';
import { HOST, NOW, environment, seed } from './cli-env';

test('list is {} with an empty cache, and store is accepted and ignored', async () => {
  const env = environment();
  const list = await runInProcess(['list'], { stdin: 'unused', env });
  assert.deepEqual([list.code, list.stdout], [0, '{}\n']);
  const store = await runInProcess(['store'], {
    stdin: JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: 'typed-by-hand' }),
    env,
  });
  assert.equal(store.code, 0);
  assert.equal(store.stdout, '');
  assert.match(store.stderr, /docker login is not needed with this helper/);
  assert.doesNotMatch(store.stderr, /typed-by-hand/);
});

test('erase forgets the cached token for that host', async () => {
  const env = environment();
  seed(env, HOST, 'to-be-erased', NOW + 6 * 3600_000);
  const erase = await runInProcess(['erase'], { stdin: `https://${HOST}`, env, now: () => NOW });
  assert.equal(erase.code, 0);
  const list = await runInProcess(['list'], { stdin: 'unused', env, now: () => NOW });
  assert.equal(list.stdout, '{}\n');
});

test('erase with empty stdin is "no credentials server URL", exit 1', async () => {
  const result = await runInProcess(['erase'], { stdin: '', env: environment() });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, 'no credentials server URL\n');
});
