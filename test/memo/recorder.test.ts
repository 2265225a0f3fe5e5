import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHitMemo } from '../../src/memo/hit-memo';
import { HitMemoRecorder } from '../../src/memo/recorder';
import { DIR, KEY, NOW, OLD, read, recorded, TOKEN } from '../support/memo-records';

test("a memo lists every file read but the store's own, once each, and passes its own check", () => {
  const memo = recorded().memo(
    DIR,
    {
      unreadable: false,
      reads: [
        read('/home/u/.aws/config'),
        read(`${DIR}/${KEY}.json`, 'first'),
        read(`${DIR}/${KEY}.lock`),
        read(`${DIR}/${KEY}.json`, 'second'),
        read('/home/u/.aws/config'),
        read('/home/u/.aws/credentials', null),
        read(`${DIR}/aws-config`),
      ],
    },
    NOW,
  );
  assert.ok(memo);
  assert.deepEqual(
    memo.files.map((f) => f.path),
    ['/home/u/.aws/config', '/home/u/.aws/credentials', `${DIR}/aws-config`],
    'a config file kept in the cache directory is still an input',
  );
  assert.equal(memo.files[1].fingerprint, null);
  assert.equal(memo.cacheDir, DIR);
  assert.deepEqual(memo.token, TOKEN);
  assert.equal(memo.entry, 'second', 'the entry as last read: the token came from that read');
  assert.ok(isHitMemo(JSON.parse(JSON.stringify(memo))));
});

test('no memo when the run cannot vouch for one', () => {
  const entry = read(`${DIR}/${KEY}.json`);
  const clean = { unreadable: false, reads: [read('/home/u/.aws/config'), entry] };
  assert.ok(recorded().memo(DIR, clean, NOW));
  assert.equal(
    recorded().memo(DIR, { unreadable: false, reads: [read('/home/u/.aws/config')] }, NOW),
    undefined,
    'the entry was never read (a token this run fetched)',
  );
  assert.equal(
    recorded().memo(DIR, { ...clean, unreadable: true }, NOW),
    undefined,
    'a read failed otherwise than ENOENT',
  );
  assert.equal(
    recorded().memo(
      DIR,
      { unreadable: false, reads: [entry, read('/a'), read('/a', `9:9:9:${OLD}:${OLD}:33188`)] },
      NOW,
    ),
    undefined,
    'a file changed between two reads',
  );
  const spoiled = recorded();
  spoiled.spoil();
  assert.equal(spoiled.memo(DIR, clean, NOW), undefined, 'a warning was said');
  const twice = recorded();
  twice.served('fedcba9876543210fedcba9876543210', 'public.ecr.aws', TOKEN);
  assert.equal(twice.memo(DIR, clean, NOW), undefined, 'two tokens in one run');
  const unanswered = new HitMemoRecorder();
  unanswered.served(KEY, 'public.ecr.aws', TOKEN);
  assert.equal(unanswered.memo(DIR, clean, NOW), undefined, 'no answer was written');
  // Changed (content or metadata) within 2 s of the run (FAT's tick): a same-size rewrite within one coarse tick would
  // keep its fingerprint.
  assert.equal(
    recorded().memo(DIR, { unreadable: false, reads: [entry, read('/a', `1:2:3:${OLD}:${NOW - 500}:33188`)] }, NOW),
    undefined,
    'ctime recent',
  );
  assert.equal(
    recorded().memo(DIR, { unreadable: false, reads: [entry, read('/a', `1:2:3:${NOW - 10}:${OLD}:33188`)] }, NOW),
    undefined,
    'mtime recent',
  );
  assert.ok(
    recorded().memo(
      DIR,
      { unreadable: false, reads: [entry, read('/a', `1:2:3:${NOW - 2_000}:${NOW - 2_000}:33188`)] },
      NOW,
    ),
    'two seconds old',
  );
});

test('an absent file keeps the ancestor that vouches for it, unless that directory changed within 2 s', () => {
  const under = (fingerprint: string) => ({ path: '/home/u', fingerprint });
  const settled = `1:9:4096:${OLD}:${OLD}:16877`;
  const recent = `1:9:4096:${NOW - 10}:${NOW - 10}:16877`;
  const memo = (
    reads: Array<{ path: string; fingerprint: null; absentUnder: { path: string; fingerprint: string } }>,
  ) => recorded().memo(DIR, { unreadable: false, reads: [read(`${DIR}/${KEY}.json`), ...reads] }, NOW);
  const config = '/home/u/.aws/config';
  assert.deepEqual(memo([{ path: config, fingerprint: null, absentUnder: under(settled) }])?.files, [
    { path: config, fingerprint: null, absentUnder: under(settled) },
  ]);
  assert.deepEqual(
    memo([{ path: config, fingerprint: null, absentUnder: under(recent) }])?.files,
    [{ path: config, fingerprint: null }],
    'a directory changed within 2 s: the file itself is checked',
  );
  assert.deepEqual(
    memo([
      { path: config, fingerprint: null, absentUnder: under(settled) },
      { path: config, fingerprint: null, absentUnder: under(`1:9:4096:${OLD + 5}:${OLD + 5}:16877`) },
    ])?.files,
    [{ path: config, fingerprint: null }],
    'absent twice under two records of the directory: the file itself is checked',
  );
});

test('a file changed within one tick of the coarsest clock it may have (FAT: 2 s) is not vouched for', () => {
  // On FAT every time is a multiple of 2 s: times 1.5 s old may be the start of a tick that is not over yet.
  const fatRecent = `1:9:30:${NOW - 1_500}:${NOW - 1_500}:33188`;
  const reads = [read(`${DIR}/${KEY}.json`), read('/media/usb/config', fatRecent)];
  assert.equal(recorded().memo(DIR, { unreadable: false, reads }, NOW), undefined);
});
