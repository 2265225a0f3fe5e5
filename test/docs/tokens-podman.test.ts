// docs/tokens.md's podman row, run as written: `login-password | podman login` with the real podman against a real
// registry (Debian's docker-registry, TLS, htpasswd) reached under the ECR host name through the fake AWS's CONNECT
// route. The registry's CA is where an administrator puts it for podman, /etc/containers/certs.d/HOST/ca.crt, in a
// scratch root (a private mount namespace whose /etc is an overlay: nothing lands on this machine).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { assertBuilt, runExecutable } from '../support/executable';
import { helperEnv, linkHelper, pathWith } from '../support/helper-bin';
import { transcript } from '../support/command';
import { startEcrRegistry, type Registry } from '../support/registry';
import { requireTool } from '../support/tools';
import { shellQuote } from '../support/shell';
import { shortTempDir, tempDir } from '../support/temp';
import { docCommand, runDocCommand } from '../support/doc-run';

const TOKENS = 'docs/tokens.md';
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const root = tempDir('dce-tokens-podman-');
let fake: FakeAws;
let registry: Registry | undefined;
let env: Record<string, string>;
let caPem: string;
let token: string;

before(async () => {
  requireTool('podman');
  requireTool('docker-registry');
  assertBuilt();
  fake = await startFakeAws();
  const home = join(root, 'home');
  const runtime = shortTempDir('dce-xdg-');
  mkdirSync(home);
  env = {
    ...helperEnv(fake.url, home),
    PATH: pathWith(linkHelper(join(root, 'bin'))),
    XDG_RUNTIME_DIR: runtime,
    // The ECR host goes through the fake's CONNECT route to the registry; the helper's calls to the fake stay direct.
    HTTPS_PROXY: fake.url,
    NO_PROXY: '127.0.0.1',
    CONTAINERS_STORAGE_CONF: join(root, 'storage.conf'),
    CONTAINERS_CONF: join(root, 'containers.conf'),
    CONTAINERS_REGISTRIES_CONF: join(root, 'registries.conf'),
    TMPDIR: join(root, 'tmp'),
  };
  mkdirSync(env.TMPDIR);
  writeFileSync(
    env.CONTAINERS_STORAGE_CONF,
    `[storage]\ndriver = "vfs"\nrunroot = "${join(runtime, 'rr')}"\ngraphroot = "${join(root, 'graph')}"\n`,
  );
  writeFileSync(env.CONTAINERS_CONF, '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n');
  writeFileSync(env.CONTAINERS_REGISTRIES_CONF, '');
  // The registry accepts the token the helper holds for HOST (the row's login-password then serves it from the cache).
  const first = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(first.code, 0, first.stderr);
  token = (JSON.parse(first.stdout) as { Secret: string }).Secret;
  const started = await startEcrRegistry(fake, root, HOST, token);
  registry = started.registry;
  caPem = readFileSync(started.ca.certFile, 'utf8');
});
after(async () => {
  await registry?.close();
  await fake?.close();
});

test('login-password | podman login: the real podman logs in to the registry with the token', async () => {
  const c = docCommand(
    TOKENS,
    'docker-credential-ecr login-password HOST | podman login --username AWS --password-stdin HOST',
  );
  const certs = `/etc/containers/certs.d/${HOST}`;
  const r = await runDocCommand(c, {
    env,
    values: { HOST },
    scratch: tempDir('dce-podman-root-'),
    before: `mkdir -p ${certs} && printf '%s' ${shellQuote(caPem)} > ${certs}/ca.crt`,
  });
  assert.equal(r.code, 0, `${TOKENS}:${c.line}: ${r.ran}\n${transcript(r)}\n${registry?.log().slice(-2000)}`);
  assert.match(r.stdout, /Login Succeeded!/);
  const auth = JSON.parse(readFileSync(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'), 'utf8')) as {
    auths: Record<string, { auth: string }>;
  };
  assert.equal(
    Buffer.from(auth.auths[HOST].auth, 'base64').toString(),
    `AWS:${token}`,
    'podman stored the token it logged in with',
  );
});
