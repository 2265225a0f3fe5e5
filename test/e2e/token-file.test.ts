// Where `dockerconfigjson` and `pull-secret` leave a token when it is not piped, with the built executable and the
// fake AWS: `--output FILE` is written 0600 and replaces a file atomically; standard output redirected to a file
// others can read is made private first when it is the caller's own, and warned about when it is another user's.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable } from '../support/executable';
import { helperEnv } from '../support/helper-bin';
import { tempDir } from '../support/temp';

const HOST = '123456789012.dkr.ecr.eu-central-1.amazonaws.com';
const fake = useFakeAws();

const env = (): Record<string, string> => helperEnv(fake.url, tempDir('dce-tokenfile-home-'));
const modeOf = (path: string): string => (statSync(path).mode & 0o7777).toString(8);

test('dockerconfigjson --output FILE: mode 0600, nothing on stdout, an existing 0644 file replaced (through a link, at its target)', async () => {
  const dir = tempDir('dce-tokenfile-');
  const file = join(dir, 'config.json');
  const created = await runExecutable(['dockerconfigjson', '--output', file, HOST], { env: env() });
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout, '');
  assert.equal(created.stderr, '');
  assert.equal(modeOf(file), '600');
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).auths[HOST].password, fake.issued[0].password);

  const old = join(dir, 'old.json');
  writeFileSync(old, 'old content', { mode: 0o644 });
  const link = join(dir, 'link.json');
  symlinkSync(old, link);
  const replaced = await runExecutable(['pull-secret', '--name', 'ecr', `--output=${link}`, HOST], { env: env() });
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.equal(modeOf(old), '600');
  assert.match(readFileSync(old, 'utf8'), /^apiVersion: "v1"\nkind: "Secret"/);
  assert.equal(readFileSync(link, 'utf8'), readFileSync(old, 'utf8'), 'the link is still a link');
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'link.json', 'old.json'], 'no temporary file left');
});

test('--output where no file can be written: the reason and exit 1, and no token anywhere', async () => {
  const dir = tempDir('dce-tokenfile-');
  writeFileSync(join(dir, 'plain'), '');
  const result = await runExecutable(['dockerconfigjson', '--output', join(dir, 'plain', 'config.json'), HOST], {
    env: env(),
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^docker-credential-ecr: dockerconfigjson: cannot write .*plain\/config\.json: a directory in this path is a file \((ENOTDIR|EEXIST)\); nothing was changed\n$/,
  );
  assert.equal(result.stdout, '');
  const missing = await runExecutable(['pull-secret', '--name', 'x', '--output', HOST], { env: env() });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^docker-credential-ecr: pull-secret: name the registry host/);
  const login = await runExecutable(['login-password', '--output', 'f', HOST], { env: env() });
  assert.equal(login.code, 1);
  assert.match(login.stderr, /^docker-credential-ecr: login-password: unknown option --output\n/);
});

/** Runs the command with standard output redirected to `file`, as `> file` would. */
async function intoFile(args: string[], file: string) {
  const fd = openSync(file, 'a');
  try {
    return await runExecutable(args, { env: env(), stdoutFd: fd });
  } finally {
    closeSync(fd);
  }
}

test("> config.json under the usual umask (0644, the caller's own): made private before the token is written", async () => {
  const dir = tempDir('dce-tokenfile-');
  const file = join(dir, 'config.json');
  writeFileSync(file, '');
  chmodSync(file, 0o644);
  const result = await intoFile(['dockerconfigjson', HOST], file);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(modeOf(file), '600');
  assert.equal(
    result.stderr,
    'docker-credential-ecr: dockerconfigjson: standard output is a file others could read (mode 0644); made it private (mode 0600) before writing the token\n',
  );
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).auths[HOST].password, fake.issued[0].password);

  // Already private: nothing to say.
  const again = await intoFile(['pull-secret', '--name', 'ecr', HOST], join(dir, 'config.json'));
  assert.equal(again.stderr, '');
  // A pipe or /dev/null is left alone.
  const devNull = await intoFile(['dockerconfigjson', HOST], '/dev/null');
  assert.equal(devNull.code, 0);
  assert.equal(devNull.stderr, '');
});

test(
  '> a file of another user that others can read: a warning naming the mode, never the token; the file is not changed',
  { skip: process.getuid?.() !== 0 && 'needs root to make a file of another user' },
  async () => {
    const dir = tempDir('dce-tokenfile-');
    mkdirSync(join(dir, 'shared'), { mode: 0o777 });
    const file = join(dir, 'shared', 'config.json');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    chownSync(file, 65534, 65534);
    const result = await intoFile(['dockerconfigjson', HOST], file);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stderr,
      "docker-credential-ecr: dockerconfigjson: warning: standard output is another user's file (uid 65534) that others can read (mode 0644): the token in it is readable by them; use --output FILE, which is written 0600\n",
    );
    assert.equal(modeOf(file), '644');
    assert.equal(statSync(file).uid, 65534);
    assert.doesNotMatch(result.stderr, new RegExp(fake.issued[0].password.slice(0, 20)));
  },
);

test(
  '--output through a link another user planted (in a shared, sticky directory): refused, exit 1, the link target untouched',
  { skip: process.getuid?.() !== 0 && 'needs root to make a link of another user' },
  async () => {
    const dir = tempDir('dce-tokenfile-');
    const shared = join(dir, 'tmp');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    const link = join(shared, 'pull.json');
    symlinkSync(victim, link);
    spawnSync('chown', ['-h', '65534:65534', link]);
    assert.equal(lstatSync(link).uid, 65534, 'the link belongs to nobody');
    const result = await runExecutable(['dockerconfigjson', '--output', link, HOST], { env: env() });
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /pull\.json is a symbolic link of another user \(uid 65534\); not writing a token through it/,
    );
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(result.stdout, '');
  },
);
