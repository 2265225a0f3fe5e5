// `configure` in-process: where it writes. A symlinked config (the target), a dangling link, a missing file and
// directory (created in Docker's layout), the containers auth file with --containers, and the places it cannot
// write (DOCKER_CONFIG naming a file, a directory under /proc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { runInProcess } from '../support/run-cli';
import { configure, HOST, setup, STORED_AUTH } from './configure-home';

test('a symlinked config: the target is written, the link stays a link', async () => {
  const s = setup();
  const real = join(s.home, 'dotfiles', 'docker-config.json');
  mkdirSync(join(s.home, 'dotfiles'));
  writeFileSync(real, '{\n\t"experimental": "enabled"\n}\n', { mode: 0o640 });
  chmodSync(real, 0o640); // set, not asked of open(): the umask in force (077 in some checkouts) would filter it
  mkdirSync(s.dir);
  symlinkSync('../dotfiles/docker-config.json', s.file);
  const result = await configure(s, '--registry', HOST);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(lstatSync(s.file).isSymbolicLink());
  assert.equal(readlinkSync(s.file), '../dotfiles/docker-config.json');
  assert.deepEqual(JSON.parse(readFileSync(real, 'utf8')), { experimental: 'enabled', credHelpers: { [HOST]: 'ecr' } });
  assert.equal(statSync(real).mode & 0o777, 0o640, 'the existing mode is kept');
  assert.match(result.stdout, /a link to .*dotfiles\/docker-config\.json/);
});

test('a dangling symlink: the file is created where the link points', async () => {
  const s = setup();
  mkdirSync(s.dir);
  const real = join(s.home, 'elsewhere', 'config.json');
  symlinkSync(real, s.file);
  assert.equal((await configure(s, '--registry', HOST)).code, 0);
  assert.ok(lstatSync(s.file).isSymbolicLink());
  assert.deepEqual(JSON.parse(readFileSync(real, 'utf8')), { credHelpers: { [HOST]: 'ecr' } });
});

test("a missing file and a missing directory are created 0600 and 0700, in Docker's layout", async () => {
  const s = setup();
  const result = await configure(s, '--registry', HOST);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(statSync(s.dir).mode & 0o777, 0o700);
  assert.equal(statSync(s.file).mode & 0o777, 0o600);
  assert.equal(readFileSync(s.file, 'utf8'), `{\n\t"credHelpers": {\n\t\t"${HOST}": "ecr"\n\t}\n}\n`);
  assert.match(result.stdout, /^--- \/dev\/null$/m);

  // HOME only: ~/.docker/config.json.
  const home = setup();
  const env = { ...home.env };
  delete (env as Record<string, string | undefined>).DOCKER_CONFIG;
  assert.equal((await runInProcess(['configure', '--public'], { env })).code, 0);
  assert.deepEqual(JSON.parse(readFileSync(join(home.home, '.docker', 'config.json'), 'utf8')), {
    credHelpers: { 'public.ecr.aws': 'ecr', 'ecr-public.aws.com': 'ecr' },
  });
});

test('--containers also configures the containers auth file (REGISTRY_AUTH_FILE, else XDG_RUNTIME_DIR)', async () => {
  const s = setup('{}');
  const authFile = join(s.home, 'containers-auth.json');
  writeFileSync(authFile, `{\n\t"auths": {\n\t\t"quay.io": {\n\t\t\t"auth": "${STORED_AUTH}"\n\t\t}\n\t}\n}`, {
    mode: 0o600,
  });
  const result = await runInProcess(['configure', '--containers', '--registry', HOST], {
    env: { ...s.env, REGISTRY_AUTH_FILE: authFile },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(readFileSync(authFile, 'utf8')), {
    auths: { 'quay.io': { auth: STORED_AUTH } },
    credHelpers: { [HOST]: 'ecr' },
  });
  assert.deepEqual(JSON.parse(readFileSync(s.file, 'utf8')), { credHelpers: { [HOST]: 'ecr' } });
  assert.match(result.stdout, /containers auth file \(REGISTRY_AUTH_FILE\)/);

  const runtime = join(s.home, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const viaRuntime = await runInProcess(['configure', '--containers', '--public'], {
    env: { ...s.env, XDG_RUNTIME_DIR: runtime },
  });
  assert.equal(viaRuntime.code, 0, viaRuntime.stderr);
  const runtimeFile = join(runtime, 'containers', 'auth.json');
  assert.deepEqual(JSON.parse(readFileSync(runtimeFile, 'utf8')).credHelpers, {
    'public.ecr.aws': 'ecr',
    'ecr-public.aws.com': 'ecr',
  });
  assert.equal(statSync(join(runtime, 'containers')).mode & 0o777, 0o700);
  assert.match(viaRuntime.stdout, /XDG_RUNTIME_DIR is emptied at logout or reboot/);
});

test('DOCKER_CONFIG naming a file instead of a directory: clear error, exit 1, file untouched', async () => {
  const s = setup();
  writeFileSync(s.dir, 'not a directory');
  const result = await configure(s, '--registry', HOST);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /a directory in this path is a file/);
  assert.equal(readFileSync(s.dir, 'utf8'), 'not a directory');
});

test(
  'a directory that cannot be created (under /proc): a clear error at once, not a hang',
  { skip: process.platform !== 'linux' },
  async () => {
    const s = setup();
    const result = await runInProcess(['configure', '--public'], {
      env: { ...s.env, DOCKER_CONFIG: '/proc/self/no/such/dir' },
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /cannot write \/proc\/self\/no\/such\/dir\/config\.json: its directory cannot be created \(ENOENT\); nothing was changed/,
    );
  },
);
