// `configure` in-process, with --registry so no AWS call is made: what it writes, what it leaves alone, and
// how it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
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
import { tempDir } from '../support/temp';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const OTHER = '210987654321.dkr.ecr.us-east-2.amazonaws.com';
const STORED_AUTH = Buffer.from('someone:a-stored-password-that-must-not-print').toString('base64');

interface Setup {
  home: string;
  dir: string;
  file: string;
  env: Record<string, string>;
}

/** A HOME with an executable docker-credential-ecr on PATH (so no PATH warning), and DOCKER_CONFIG inside it. */
function setup(configText?: string): Setup {
  const home = tempDir('dce-configure-');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker-credential-ecr'), '#!/bin/sh\n', { mode: 0o755 });
  const dir = join(home, 'docker');
  const file = join(dir, 'config.json');
  if (configText !== undefined) {
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(file, configText, { mode: 0o600 });
  }
  return { home, dir, file, env: { HOME: home, DOCKER_CONFIG: dir, PATH: `/nonexistent:${bin}` } };
}

const configure = (s: Setup, ...args: string[]) => runInProcess(['configure', ...args], { env: s.env });

function fingerprint(path: string): { ino: number; mtimeMs: number; text: string } {
  const stat = statSync(path);
  return { ino: stat.ino, mtimeMs: stat.mtimeMs, text: readFileSync(path, 'utf8') };
}

test("keeps every other key byte for byte, in order, with the file's own indentation", async () => {
  const before = [
    '{',
    '\t"auths": {',
    '\t\t"https://index.docker.io/v1/": {',
    `\t\t\t"auth": "${STORED_AUTH}"`,
    '\t\t}',
    '\t},',
    '\t"psFormat": "table {{.ID}}\\t{{.Names}}",',
    '\t"unknownFutureKey": {"nested": [1, 2, {"x": null}], "ünïcødé": "✓"},',
    '\t"credHelpers": {',
    '\t\t"gcr.io": "gcloud"',
    '\t},',
    '\t"detachKeys": "ctrl-e,e"',
    '}',
    '',
  ].join('\n');
  const s = setup(before);
  const result = await configure(s, '--registry', HOST, '--registry', `https://${OTHER}/`);
  assert.equal(result.code, 0, result.stderr);
  const expected = before.replace(
    '\t\t"gcr.io": "gcloud"\n',
    `\t\t"gcr.io": "gcloud",\n\t\t"${HOST}": "ecr",\n\t\t"${OTHER}": "ecr"\n`,
  );
  assert.equal(readFileSync(s.file, 'utf8'), expected);
  assert.equal(statSync(s.file).mode & 0o777, 0o600);
  // The diff shows the credHelpers lines, and never the stored login.
  assert.match(result.stdout, new RegExp(`^\\+\\t\\t"${HOST.replace(/\./g, '\\.')}": "ecr",$`, 'm'));
  assert.match(result.stdout, /^-\t\t"gcr\.io": "gcloud"$/m);
  assert.match(result.stdout, /^\+\t\t"gcr\.io": "gcloud",$/m);
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(STORED_AUTH.slice(0, 20)));
  assert.match(result.stdout, /Wrote /);
});

test('a compact file stays compact; CRLF and two-space files keep their style', async () => {
  const compact = setup(`{"auths":{"x.example":{"auth":"${STORED_AUTH}"}},"experimental":"enabled"}`);
  assert.equal((await configure(compact, '--registry', HOST)).code, 0);
  assert.equal(
    readFileSync(compact.file, 'utf8'),
    `{"auths":{"x.example":{"auth":"${STORED_AUTH}"}},"experimental":"enabled","credHelpers":{"${HOST}":"ecr"}}`,
  );

  const crlf = setup('{\r\n  "experimental": "enabled"\r\n}\r\n');
  const result = await configure(crlf, '--registry', HOST);
  assert.equal(result.code, 0);
  assert.equal(
    readFileSync(crlf.file, 'utf8'),
    `{\r\n  "experimental": "enabled",\r\n  "credHelpers": {\r\n    "${HOST}": "ecr"\r\n  }\r\n}\r\n`,
  );
  assert.doesNotMatch(result.stdout, /\r/);

  const emptyHelpers = setup('{\n    "credHelpers": {}\n}');
  assert.equal((await configure(emptyHelpers, '--registry', HOST)).code, 0);
  assert.equal(readFileSync(emptyHelpers.file, 'utf8'), `{\n    "credHelpers": {\n        "${HOST}": "ecr"\n    }\n}`);
});

test('an existing credsStore is kept, and the output says credHelpers take precedence', async () => {
  const s = setup('{\n\t"credsStore": "desktop"\n}\n');
  const result = await configure(s, '--registry', HOST);
  assert.equal(result.code, 0);
  const config = JSON.parse(readFileSync(s.file, 'utf8'));
  assert.deepEqual(config, { credsStore: 'desktop', credHelpers: { [HOST]: 'ecr' } });
  assert.deepEqual(Object.keys(config), ['credsStore', 'credHelpers']);
  assert.match(
    result.stdout,
    /keeps "credsStore": "desktop" for other registries; credHelpers take precedence for 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/,
  );
});

test('a stored login for a routed host is removed (Docker sends it when the helper fails), other auths entries stay, stored tokens are never printed, and another helper for the host is replaced and reported', async () => {
  const before = JSON.stringify(
    { auths: { [HOST]: { auth: STORED_AUTH }, 'other.example': {} }, credHelpers: { [HOST]: 'ecr-login' } },
    null,
    '\t',
  );
  const s = setup(before);
  const result = await configure(s, '--registry', HOST, '--dry-run');
  assert.equal(result.code, 0);
  assert.doesNotMatch(result.stdout, new RegExp(STORED_AUTH.slice(0, 20)));
  assert.match(result.stdout, /went to docker-credential-ecr-login before; it would go to docker-credential-ecr/);
  assert.match(
    result.stdout,
    new RegExp(
      `Would remove the login stored in "auths" for ${HOST.replace(/\./g, '\\.')}: Docker sent that token whenever the helper failed, and an old one fails the pull with "Your authorization token has expired"\\.`,
    ),
  );
  assert.match(
    result.stdout,
    /^-\t\t"123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com": \{$/m,
    'the removal is in the diff',
  );
  assert.equal(readFileSync(s.file, 'utf8'), before, '--dry-run writes nothing');
  const written = await configure(s, '--registry', HOST);
  assert.equal(written.code, 0);
  assert.equal(
    readFileSync(s.file, 'utf8'),
    JSON.stringify({ auths: { 'other.example': {} }, credHelpers: { [HOST]: 'ecr' } }, null, '\t'),
  );
  // Every spelling docker login leaves (https://, a path, upper case), in a compact file; the last entry and the only one.
  const spellings = setup(
    `{"auths":{"a.example":{"auth":"eA=="},"https://${HOST.toUpperCase()}/v2/":{"auth":"${STORED_AUTH}"}},"credHelpers":{}}`,
  );
  assert.equal((await configure(spellings, '--registry', HOST)).code, 0);
  assert.equal(
    readFileSync(spellings.file, 'utf8'),
    `{"auths":{"a.example":{"auth":"eA=="}},"credHelpers":{"${HOST}":"ecr"}}`,
  );
  const only = setup(
    `{\n  "auths": {\n    "${HOST}": {\n      "auth": "${STORED_AUTH}"\n    }\n  },\n  "credHelpers": {\n    "${HOST}": "ecr"\n  }\n}\n`,
  );
  const removedOnly = await configure(only, '--registry', HOST);
  assert.equal(removedOnly.code, 0);
  assert.doesNotMatch(removedOnly.stdout, /already configured/);
  assert.equal(
    readFileSync(only.file, 'utf8'),
    `{\n  "auths": {},\n  "credHelpers": {\n    "${HOST}": "ecr"\n  }\n}\n`,
  );
});

test('the stored-login mask covers compact files too', async () => {
  const s = setup(`{"auths":{"${HOST}":{"auth":"${STORED_AUTH}","identitytoken":"refresh-token-secret"}}}`);
  const result = await configure(s, '--registry', HOST);
  assert.equal(result.code, 0);
  assert.doesNotMatch(result.stdout, new RegExp(`${STORED_AUTH.slice(0, 20)}|refresh-token-secret`));
  assert.match(result.stdout, /"auth":"\*\*\*"/);
});

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

test('a second run changes nothing and writes nothing', async () => {
  const s = setup('{\n\t"auths": {}\n}');
  assert.equal((await configure(s, '--public')).code, 0);
  const first = fingerprint(s.file);
  await new Promise((r) => setTimeout(r, 20));
  const again = await configure(s, '--public');
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already configured/);
  assert.doesNotMatch(again.stdout, /^[+-]/m);
  assert.deepEqual(fingerprint(s.file), first, 'same inode, same mtime, same bytes');
});

test('--dry-run prints the change and writes nothing, not even the directory', async () => {
  const s = setup();
  const result = await configure(s, '--registry', HOST, '--dry-run');
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^\+\t\t"123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com": "ecr"$/m);
  assert.match(result.stdout, /Dry run: .* was not written/);
  assert.equal(existsSync(s.dir), false);
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

/** Makes a path unwritable even for root: the immutable attribute when it can be set, else permission bits. */
function makeReadOnly(path: string): () => void {
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    const set = spawnSync('chattr', ['+i', path]);
    if (set.status === 0) return () => void spawnSync('chattr', ['-i', path]);
    return () => undefined; // Root without chattr: the caller skips.
  }
  const mode = statSync(path).mode & 0o777;
  chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
  return () => chmodSync(path, mode);
}

const canMakeReadOnly = ((): boolean => {
  if (process.getuid?.() !== 0) return true;
  const probe = join(tempDir('dce-chattr-'), 'probe');
  writeFileSync(probe, '');
  const ok = spawnSync('chattr', ['+i', probe]).status === 0;
  if (ok) spawnSync('chattr', ['-i', probe]);
  return ok;
})();

test(
  'a read-only (immutable) config file: clear error, exit 1, file untouched',
  { skip: canMakeReadOnly ? false : 'root without chattr: cannot make a file read-only' },
  async () => {
    const s = setup('{\n\t"experimental": "enabled"\n}\n');
    const before = fingerprint(s.file);
    const restore = makeReadOnly(s.file);
    try {
      const result = await configure(s, '--registry', HOST);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /cannot write .*config\.json: permission denied \(E(PERM|ACCES)\).*read-only or immutable.*; nothing was changed/,
      );
      assert.equal(result.stdout.includes('Wrote'), false);
    } finally {
      restore();
    }
    assert.deepEqual(fingerprint(s.file), before);
  },
);

test(
  'a read-only directory: clear error, exit 1, nothing left behind',
  { skip: canMakeReadOnly ? false : 'root without chattr' },
  async () => {
    const s = setup('{}');
    const restore = makeReadOnly(s.dir);
    try {
      const result = await configure(s, '--registry', HOST);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /cannot write .*: permission denied/);
    } finally {
      restore();
    }
    assert.equal(readFileSync(s.file, 'utf8'), '{}');
    assert.deepEqual(
      spawnSync('ls', ['-A', s.dir], { encoding: 'utf8' }).stdout.trim().split('\n'),
      ['config.json'],
      'no temporary file left',
    );
  },
);

test('DOCKER_CONFIG naming a file instead of a directory: clear error, exit 1, file untouched', async () => {
  const s = setup();
  writeFileSync(s.dir, 'not a directory');
  const result = await configure(s, '--registry', HOST);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /a directory in this path is a file/);
  assert.equal(readFileSync(s.dir, 'utf8'), 'not a directory');
});

test('a config that is not valid JSON is refused with its line, and left alone', async () => {
  const text = '{\n\t"auths": {},\n\t"credHelpers": {\n\t\t"a": "b",\n\t}\n}\n';
  const s = setup(text);
  const result = await configure(s, '--registry', HOST);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /config\.json:4: not valid JSON: a comma after the last entry, before "}" \(JSON allows none there\); remove the "," at the end of line 4 of .*config\.json, then run configure again; nothing was changed/,
  );
  assert.equal(readFileSync(s.file, 'utf8'), text);
});

test('--registry is checked with the rules of get; a refusal writes nothing', async () => {
  const s = setup('{}');
  for (const [input, message] of [
    ['12345678901.dkr.ecr.eu-west-1.amazonaws.com', /account ID must have 12 digits/],
    ['123456789012.dkr.ecr-public.us-east-1.amazonaws.com', /ECR Public images are pulled from public\.ecr\.aws/],
    [`${HOST}.evil.example`, /is not an ECR address/],
    [`http://${HOST}`, /plain http/],
    ['registry.example.com', /expected <account>\.dkr\.ecr\.<region>\.amazonaws\.com/],
  ] as const) {
    const result = await configure(s, '--registry', HOST, '--registry', input);
    assert.equal(result.code, 1, input);
    assert.match(result.stderr, message, input);
    assert.match(result.stderr, /nothing was changed/);
    assert.equal(readFileSync(s.file, 'utf8'), '{}', input);
  }
  const usage = await configure(s, '--registry');
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /--registry needs a registry host; see `docker-credential-ecr configure --help`/);
});

test('a custom host the helper config maps is accepted', async () => {
  const s = setup('{}');
  const configFile = join(s.home, 'helper.json');
  writeFileSync(configFile, JSON.stringify({ registries: { 'registry.corp.example': { target: HOST } } }));
  const result = await runInProcess(['configure', '--registry', 'registry.corp.example'], {
    env: { ...s.env, DOCKER_CREDENTIAL_ECR_CONFIG: configFile },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(readFileSync(s.file, 'utf8')), { credHelpers: { 'registry.corp.example': 'ecr' } });
});

test('says how to put the helper on PATH when it is not there', async () => {
  const s = setup('{}');
  const result = await runInProcess(['configure', '--public'], { env: { ...s.env, PATH: '/nonexistent' } });
  assert.equal(result.code, 0);
  assert.match(
    result.stdout,
    /docker-credential-ecr is not on PATH, so Docker cannot run it; fix: sudo ln -s .+ \/usr\/local\/bin\/docker-credential-ecr/,
  );
  const onPath = await configure(s, '--public');
  assert.doesNotMatch(onPath.stdout, /not on PATH/);
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
