// Whether a memo vouches for an answer (src/memo/vouch.ts), against an in-memory runtime: its files, their stats,
// and what was opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoFileName, type HitMemo } from '../../src/memo/hit-memo';
import type { BunApi, Stats } from '../../src/memo/runtime-files';
import { vouchedMemo } from '../../src/memo/vouch';
import { DIR, KEY, NOW, OLD, TOKEN } from '../support/memo-records';

const DIGEST = 'ab'.repeat(32);
const MEMO_PATH = `${DIR}/${memoFileName(DIGEST)}`;

const stats = (ino: number, size: number, mode = 0o100600): Stats => ({
  dev: 1,
  ino,
  size,
  mtimeMs: OLD,
  ctimeMs: OLD,
  mode,
  uid: 1000,
  isFile: () => (mode & 0o170000) === 0o100000,
  isDirectory: () => (mode & 0o170000) === 0o040000,
});
const fingerprint = (s: Stats) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.mode}`;

/** A runtime over `files` (path -> stats and bytes; a FIFO has no bytes); records every path opened. */
function runtime(files: Map<string, { stat: Stats; bytes?: Uint8Array; size?: number }>) {
  const opened: string[] = [];
  const bun: BunApi = {
    stdin: undefined as unknown as BunApi['stdin'], // not read here
    sha: () => {
      throw new Error('not used');
    },
    file: (path) => ({
      get size() {
        const f = files.get(path);
        return f === undefined ? 0 : (f.size ?? f.stat.size);
      },
      stat: () => {
        const f = files.get(path);
        return f ? Promise.resolve(f.stat) : Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
      },
      slice: (_begin, end) => ({
        bytes: () => {
          opened.push(path);
          const f = files.get(path);
          if (!f?.bytes) return Promise.reject(Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' }));
          return Promise.resolve(f.bytes.subarray(0, end));
        },
      }),
    }),
  };
  return { bun, opened };
}

const ENTRY = stats(20, 300);
const HOME = stats(30, 4096, 0o040755);
const CONFIG = '/home/u/.aws/config';
function memoOf(extra: Partial<HitMemo> = {}): HitMemo {
  return {
    version: 1,
    keyId: KEY,
    host: 'public.ecr.aws',
    token: TOKEN,
    entry: fingerprint(ENTRY),
    cacheDir: DIR,
    files: [{ path: CONFIG, fingerprint: null, absentUnder: { path: '/home/u', fingerprint: fingerprint(HOME) } }],
    answer: { kind: 'docker', serverUrl: 'public.ecr.aws' },
    ...extra,
  };
}
function machine(
  memo: HitMemo,
  change: (files: Map<string, { stat: Stats; bytes?: Uint8Array; size?: number }>) => void = () => {},
) {
  const bytes = new TextEncoder().encode(JSON.stringify(memo));
  const files = new Map<string, { stat: Stats; bytes?: Uint8Array; size?: number }>([
    [MEMO_PATH, { stat: stats(10, bytes.length), bytes }],
    [`${DIR}/${KEY}.json`, { stat: ENTRY }],
    ['/home/u', { stat: HOME }],
  ]);
  change(files);
  return runtime(files);
}
const vouch = (bun: BunApi, ours = true, kind: 'docker' | 'kubelet' = 'docker', at = NOW) =>
  vouchedMemo(bun, DIGEST, DIR, ours, kind, () => at);

test('a memo whose entry and files are as recorded vouches, with the time it was judged at', async () => {
  const { bun } = machine(memoOf());
  const vouched = await vouch(bun);
  assert.equal(vouched?.at, NOW);
  assert.equal(vouched?.memo.keyId, KEY);
});

test("nothing in a directory that is not the caller's own is opened", async () => {
  const { bun, opened } = machine(memoOf());
  assert.equal(await vouch(bun, false), undefined);
  assert.deepEqual(opened, []);
});

test('no answer when anything the memo records has changed, or the memo is not for this answer', async () => {
  const cases: Array<[string, HitMemo, (f: Map<string, { stat: Stats; bytes?: Uint8Array; size?: number }>) => void]> =
    [
      ['the entry was rewritten', memoOf(), (f) => f.set(`${DIR}/${KEY}.json`, { stat: stats(21, 300) })],
      ['the entry was erased', memoOf(), (f) => f.delete(`${DIR}/${KEY}.json`)],
      [
        'the directory that vouched for the absent file changed',
        memoOf(),
        (f) => f.set('/home/u', { stat: { ...HOME, mtimeMs: OLD + 5 } }),
      ],
      ['that directory is gone', memoOf(), (f) => f.delete('/home/u')],
      [
        'a recorded file changed',
        memoOf({ files: [{ path: CONFIG, fingerprint: fingerprint(stats(40, 10)) }] }),
        (f) => f.set(CONFIG, { stat: stats(40, 11) }),
      ],
      [
        'a file recorded absent appeared',
        memoOf({ files: [{ path: CONFIG, fingerprint: null }] }),
        (f) => f.set(CONFIG, { stat: stats(40, 10) }),
      ],
      ['the token is due for refresh', memoOf({ token: { ...TOKEN, expiresAt: NOW + 60_000 } }), () => {}],
      ['the decision no longer holds', memoOf({ notAfter: NOW }), () => {}],
      ['another cache directory', memoOf({ cacheDir: '/elsewhere' }), () => {}],
    ];
  for (const [name, memo, change] of cases) assert.equal(await vouch(machine(memo, change).bun), undefined, name);
  assert.equal(
    await vouch(machine(memoOf()).bun, true, 'kubelet'),
    undefined,
    "a Docker answer's memo for the kubelet",
  );
});

test('a memo that is a FIFO, a device or too large is never opened; a directory is opened and refused', async () => {
  for (const size of [Number.POSITIVE_INFINITY, 0, 64 * 1024 + 1]) {
    const { bun, opened } = machine(memoOf(), (f) => f.set(MEMO_PATH, { stat: stats(10, 0, 0o010600), size }));
    assert.equal(await vouch(bun), undefined, `size ${size}`);
    assert.deepEqual(opened, [], `size ${size}`);
  }
  const { bun, opened } = machine(memoOf(), (f) => f.set(MEMO_PATH, { stat: stats(10, 4096, 0o040700) }));
  assert.equal(await vouch(bun), undefined);
  assert.deepEqual(opened, [MEMO_PATH]);
});
