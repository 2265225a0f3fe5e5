// Absent files in the memo of a cache hit (FileFingerprint.absentUnder): a file the decision found absent is vouched
// for by its nearest existing ancestor directory, unchanged, instead of by a stat of its own that fails. The built
// executable against the fake AWS: every way the file could appear sends the request down the full path, and a link
// whose target is absent is checked itself (its target may appear without any directory of the path changing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { fromMemo, get, HOST, mark, primed, setupWith, type Setup } from '../support/hit-memo';

const fake = useFakeAws({ resetEach: true });
const CONFIG = '[default]\nregion = eu-west-1\n';
const settle = () => new Promise((done) => setTimeout(done, 2_100)); // a directory changed within 2 s (FAT's tick) vouches for nothing

interface Memo {
  files: Array<{ path: string; fingerprint: string | null; absentUnder?: { path: string } }>;
}

/** A memo written once the home has settled, so that its directories vouch; marked, and shown to answer. */
async function vouchedMemo(s: Setup): Promise<Memo> {
  const { memo } = await primed(s);
  rmSync(memo);
  await settle();
  assert.equal((await get(s.env)).code, 0);
  const written = JSON.parse(readFileSync(memo, 'utf8')) as Memo;
  mark(memo);
  const r = await get(s.env);
  assert.ok(fromMemo(r), `not from the memo: ${r.stdout} ${r.stderr}`);
  return written;
}

async function assertFullPath(s: Setup): Promise<void> {
  const r = await get(s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!fromMemo(r), `answered from the memo: ${r.stdout}`);
  assert.equal((JSON.parse(r.stdout) as { ServerURL: string }).ServerURL, HOST);
}

test('absent files are vouched for by their nearest existing directory: a change elsewhere keeps the memo', async () => {
  const s = setupWith(fake.url);
  mkdirSync(join(s.home, 'elsewhere'));
  const memo = await vouchedMemo(s);
  const config = memo.files.find((f) => f.path === s.env.AWS_CONFIG_FILE);
  assert.deepEqual(config?.absentUnder?.path, s.home, JSON.stringify(memo.files));
  const helperConfig = memo.files.find((f) => f.path.endsWith('/.config/docker-credential-ecr/config.json'));
  assert.equal(helperConfig?.absentUnder?.path, s.home, 'the nearest existing ancestor, not the missing parent');
  writeFileSync(join(s.home, 'elsewhere', 'notes.txt'), 'not an input\n');
  assert.ok(fromMemo(await get(s.env)), 'a file in another directory is not an input');
});

test('an absent AWS config file appears in the directory that vouched for it: the full path', async () => {
  const s = setupWith(fake.url);
  await vouchedMemo(s);
  writeFileSync(s.env.AWS_CONFIG_FILE, CONFIG);
  await assertFullPath(s);
});

test("an absent file's missing parent appears, still without the file: the full path", async () => {
  const s = setupWith(fake.url);
  await vouchedMemo(s);
  mkdirSync(join(s.home, '.config'));
  await assertFullPath(s);
});

test('an absent file deep under an existing directory: vouched by that directory; a level appearing is seen', async () => {
  const s = setupWith(fake.url);
  mkdirSync(join(s.home, 'deep'));
  s.env.AWS_CONFIG_FILE = join(s.home, 'deep', 'a', 'b', 'config');
  const memo = await vouchedMemo(s);
  assert.equal(memo.files.find((f) => f.path === s.env.AWS_CONFIG_FILE)?.absentUnder?.path, join(s.home, 'deep'));
  mkdirSync(join(s.home, 'deep', 'a'));
  await assertFullPath(s);
});

test('a link whose target is absent is checked itself: the target appearing elsewhere is seen', async () => {
  const s = setupWith(fake.url);
  mkdirSync(join(s.home, 'targets'));
  symlinkSync(join(s.home, 'targets', 'config'), s.env.AWS_CONFIG_FILE);
  await vouchedMemo(s);
  writeFileSync(join(s.home, 'targets', 'config'), CONFIG);
  await assertFullPath(s);
});

test('an ancestor reached through a link: the link pointed at another directory that holds the file is seen', async () => {
  const s = setupWith(fake.url);
  mkdirSync(join(s.home, 'a'));
  mkdirSync(join(s.home, 'b'));
  writeFileSync(join(s.home, 'b', 'config'), CONFIG);
  symlinkSync(join(s.home, 'a'), join(s.home, 'current'));
  s.env.AWS_CONFIG_FILE = join(s.home, 'current', 'config');
  const memo = await vouchedMemo(s);
  assert.equal(memo.files.find((f) => f.path === s.env.AWS_CONFIG_FILE)?.absentUnder?.path, join(s.home, 'current'));
  rmSync(join(s.home, 'current'));
  symlinkSync(join(s.home, 'b'), join(s.home, 'current'));
  await assertFullPath(s);
});

test("a path with '..' after a link: the name is checked where the kernel finds it, not where the text says", async () => {
  // AWS_CONFIG_FILE=<home>/link/../config: the kernel resolves link/.. to the parent of link's target (real), so
  // the file is real/config, here a link to an absent target; path.join would have checked <home>/config instead.
  const s = setupWith(fake.url);
  mkdirSync(join(s.home, 'real', 'deep'), { recursive: true });
  mkdirSync(join(s.home, 'targets'));
  symlinkSync(join(s.home, 'real', 'deep'), join(s.home, 'link'));
  symlinkSync(join(s.home, 'targets', 'config'), join(s.home, 'real', 'config'));
  s.env.AWS_CONFIG_FILE = `${s.home}/link/../config`;
  await vouchedMemo(s);
  writeFileSync(join(s.home, 'targets', 'config'), CONFIG);
  await assertFullPath(s);
});
