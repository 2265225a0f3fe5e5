// An absent file on a file system whose directories keep their times when an entry appears in them (FUSE over an
// object store: rclone, s3fs, gcsfuse), as a FUSE file system (test/support/fuse/fixed-times-fs.py) shows it. Such a
// directory vouches for nothing (read-file.ts, DIRECTORIES_FOLLOW_ENTRIES): the file itself is checked, so that it
// appearing sends the request down the full path.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { fromMemo, get, HOST, mark, primed, setupWith } from '../support/hit-memo';

const FUSEPY = '/usr/lib/python3/dist-packages/fusepy.py';
const skip = process.getuid?.() !== 0 ? 'needs root to mount' : !existsSync('/dev/fuse') ? 'needs /dev/fuse' : false;
const fake = useFakeAws({ resetEach: true });
const settle = () => new Promise((done) => setTimeout(done, 1_100));

let dir = '';
let fs: ChildProcess | undefined;
const mount = () => join(dir, 'mount');
const control = () => join(dir, 'present');

before(async () => {
  if (skip) return;
  assert.ok(existsSync(FUSEPY), `${FUSEPY} missing: apt-get install python3-fusepy`);
  dir = mkdtempSync(join(tmpdir(), 'dce-fuse-'));
  spawnSync('mkdir', [mount()]);
  const outside = statSync(mount()).dev;
  fs = spawn('/usr/bin/python3', [join(__dirname, '..', 'support', 'fuse', 'fixed-times-fs.py'), mount(), control()], {
    stdio: 'inherit',
  });
  for (let i = 0; i < 100 && statSync(mount()).dev === outside; i++) await new Promise((d) => setTimeout(d, 50));
  assert.notEqual(statSync(mount()).dev, outside, 'the FUSE file system did not mount');
});

after(() => {
  if (!dir) return;
  spawnSync('umount', ['-l', mount()]);
  fs?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test('an absent config file appears in a directory whose times stay: the full path', { skip }, async () => {
  const s = setupWith(fake.url);
  s.env.AWS_CONFIG_FILE = join(mount(), 'config');
  const { memo } = await primed(s);
  rmSync(memo);
  await settle();
  assert.equal((await get(s.env)).code, 0);
  const files = (JSON.parse(readFileSync(memo, 'utf8')) as { files: Array<{ path: string; absentUnder?: unknown }> })
    .files;
  mark(memo);
  assert.ok(fromMemo(await get(s.env)), 'the memo answers while the file is absent');
  writeFileSync(control(), '');
  const r = await get(s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!fromMemo(r), `answered from the memo: ${r.stdout}`);
  assert.equal((JSON.parse(r.stdout) as { ServerURL: string }).ServerURL, HOST);
  assert.equal(files.find((f) => f.path === s.env.AWS_CONFIG_FILE)?.absentUnder, undefined, 'vouched by the mount');
});
