import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from '../../src/cache/lock';
import { tempDir } from '../support/temp';

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const options = { waitMs: 2_000, staleMs: 60_000, now: Date.now, sleep };

test('one holder at a time; the next one gets it after release', async () => {
  const path = join(tempDir(), 'k.lock');
  const first = await acquireLock(path, options);
  assert.ok(first.acquired);
  let secondGotIt = false;
  const second = acquireLock(path, options).then((outcome) => {
    secondGotIt = outcome.acquired;
    return outcome;
  });
  await sleep(100);
  assert.equal(secondGotIt, false);
  first.release();
  const outcome = await second;
  assert.ok(outcome.acquired);
  assert.ok(outcome.waitedMs >= 90);
  outcome.release();
  assert.equal(existsSync(path), false);
});

test('gives up after waitMs without failing', async () => {
  const path = join(tempDir(), 'k.lock');
  const first = await acquireLock(path, options);
  const second = await acquireLock(path, { ...options, waitMs: 150 });
  assert.equal(second.acquired, false);
  assert.match((second as { reason: string }).reason, /timed out/);
  if (first.acquired) first.release();
});

test('a lock whose holder died is taken over at once', async () => {
  const path = join(tempDir(), 'k.lock');
  writeFileSync(path, `999999 ${hostname()} ${Date.now()}\n`);
  const outcome = await acquireLock(path, { ...options, isAlive: () => false });
  assert.ok(outcome.acquired);
  assert.ok(outcome.waitedMs < 100);
});

test('a lock older than staleMs is taken over even if its pid is alive', async () => {
  const path = join(tempDir(), 'k.lock');
  writeFileSync(path, `${process.pid} ${hostname()} ${Date.now() - 120_000}\n`);
  assert.ok((await acquireLock(path, options)).acquired);
});

test('an empty lock file (writer died before writing) is stale after 2 seconds', async () => {
  const path = join(tempDir(), 'k.lock');
  writeFileSync(path, '');
  const old = (Date.now() - 5_000) / 1000;
  utimesSync(path, old, old);
  assert.ok((await acquireLock(path, options)).acquired);
});

test('a stale lock that outlives its removal (Windows: still open elsewhere) is waited on with sleeps, then passed by', async () => {
  const path = join(tempDir(), 'k.lock');
  writeFileSync(path, `999999 ${hostname()} ${Date.now()}\n`);
  let removals = 0;
  let sleeps = 0;
  const outcome = await acquireLock(path, {
    ...options,
    isAlive: () => false,
    removeFile: () => void removals++, // "succeeds", as Windows does for a file another process has open, yet stays
    sleep: (ms) => {
      sleeps++;
      return sleep(ms);
    },
  });
  assert.equal(outcome.acquired, false);
  assert.match((outcome as { reason: string }).reason, /^a stale lock was still there \d+ ms after its removal$/);
  assert.equal((outcome as { timedOut?: boolean }).timedOut, undefined, 'not reported as a holder still fetching');
  assert.ok(outcome.waitedMs >= 1_000 && outcome.waitedMs < options.waitMs, `waited ${outcome.waitedMs} ms`);
  // Every removal but the first is followed by a sleep: no busy loop that starves the process's timers.
  assert.ok(sleeps >= removals - 1 && removals >= 2, `${removals} removals, ${sleeps} sleeps`);
});

test('a stale lock that goes away after a while is taken', async () => {
  const path = join(tempDir(), 'k.lock');
  writeFileSync(path, `999999 ${hostname()} ${Date.now()}\n`);
  let removals = 0;
  const outcome = await acquireLock(path, {
    ...options,
    isAlive: () => false,
    removeFile: (p) => {
      if (++removals === 3) rmSync(p);
    },
  });
  assert.ok(outcome.acquired);
  assert.equal(removals, 3);
  outcome.release();
});
