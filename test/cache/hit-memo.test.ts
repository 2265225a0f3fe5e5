import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HitMemoRecorder, isHitMemo } from '../../src/cache/hit-memo';

const DIR = '/home/u/.cache/docker-credential-ecr';
const KEY = '0123456789abcdef0123456789abcdef';
const read = (path: string, fingerprint: string | null = '1:2:3:4:5:6') => ({ path, fingerprint });

function recorded(): HitMemoRecorder {
  const r = new HitMemoRecorder();
  r.served(KEY, 'public.ecr.aws');
  r.answered({ kind: 'docker', serverUrl: 'public.ecr.aws' });
  return r;
}

test('a memo lists every file read but the store\'s own, once each, and passes its own check', () => {
  const memo = recorded().memo(DIR, {
    unreadable: false,
    reads: [read('/home/u/.aws/config'), read(`${DIR}/${KEY}.json`), read(`${DIR}/${KEY}.lock`), read('/home/u/.aws/config'), read('/home/u/.aws/credentials', null), read(`${DIR}/aws-config`)],
  });
  assert.ok(memo);
  assert.deepEqual(
    memo.files.map((f) => f.path),
    ['/home/u/.aws/config', '/home/u/.aws/credentials', `${DIR}/aws-config`],
    'a config file kept in the cache directory is still an input',
  );
  assert.equal(memo.files[1]!.fingerprint, null);
  assert.equal(memo.cacheDir, DIR);
  assert.ok(isHitMemo(JSON.parse(JSON.stringify(memo))));
});

test('no memo when the run cannot vouch for one', () => {
  const clean = { unreadable: false, reads: [read('/home/u/.aws/config')] };
  assert.equal(recorded().memo(DIR, { ...clean, unreadable: true }), undefined, 'a read failed otherwise than ENOENT');
  assert.equal(recorded().memo(DIR, { unreadable: false, reads: [read('/a'), read('/a', '9:9:9:9:9:9')] }), undefined, 'a file changed between two reads');
  const spoiled = recorded();
  spoiled.spoil();
  assert.equal(spoiled.memo(DIR, clean), undefined, 'a warning was said');
  const twice = recorded();
  twice.served('fedcba9876543210fedcba9876543210', 'public.ecr.aws');
  assert.equal(twice.memo(DIR, clean), undefined, 'two tokens in one run');
  const unanswered = new HitMemoRecorder();
  unanswered.served(KEY, 'public.ecr.aws');
  assert.equal(unanswered.memo(DIR, clean), undefined, 'no answer was written');
});

test('isHitMemo refuses what is not one', () => {
  const good = recorded().memo(DIR, { unreadable: false, reads: [] })!;
  assert.ok(isHitMemo(good));
  for (const bad of [null, 1, {}, { ...good, version: 2 }, { ...good, keyId: '../../etc/passwd' }, { ...good, files: [{ path: 1 }] }, { ...good, answer: { kind: 'kubelet', authKey: 'h' } }, { ...good, answer: { kind: 'other' } }])
    assert.equal(isHitMemo(bad), false, JSON.stringify(bad));
});
