// Debian's podman (4.3) and buildah (1.28) push to, pull from and build on a real registry (CNCF
// distribution, TLS, htpasswd) that answers under the ECR host name, with credentials only from
// credHelpers -> the built helper. The registry accepts exactly the token the fake AWS issued, so every push
// and pull that succeeds proves the helper delivered it. The registry is reached as in
// skopeo-registry.test.ts: HTTPS_PROXY is the fake AWS, whose CONNECT route for <ECR host>:443 tunnels to
// the registry on 127.0.0.1.
//
// What they send the helper on stdin (recorded below):
// - `get`: the bare host, no scheme, no path, no trailing newline; one per push, pull, `buildah bud`
//   (its FROM pull) and `buildah push`, and one for `podman login` (its look-up of existing credentials).
// - `store` (only `podman login -u/-p`, after checking them with the registry): {"ServerURL":"<host>",
//   "Username":"AWS","Secret":"<token>"} plus "\n". `podman login <host>` without credentials runs `get`,
//   checks the answer with the registry and stops: "Already logged in", no `store`.
// - `erase` (`podman logout`): the bare host, no newline; the next `get` asks AWS for a new token.
// Only when credHelpers is in the file podman writes (REGISTRY_AUTH_FILE, else
// ${XDG_RUNTIME_DIR}/containers/auth.json). With credHelpers only in ~/.docker/config.json, `podman login`
// writes the token itself, base64, into ${XDG_RUNTIME_DIR}/containers/auth.json (which then wins over the
// helper until logout) and `podman logout` removes it there without running `erase`.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { assertBuilt, runExecutable } from '../support/executable';
import {
  fixedAnswerHelper,
  helperEnv,
  pathWith,
  recordedCalls,
  recordingHelper,
  type RecordedCall,
} from '../support/helper-bin';
import { runCommand, transcript, type CommandResult } from '../support/command';
import { writeOciImage, type OciImage } from '../support/oci-layout';
import { startRegistry, type Registry } from '../support/registry';
import { makeCa, makeLeaf } from '../support/tls';
import { requireTool } from '../support/tools';
import { shortTempDir, tempDir } from '../support/temp';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

// At load time, not in before(): node:test runs an after() registered inside before() as soon as before() ends.
const root = tempDir('dce-podman-');
const trustDir = join(root, 'trust');
const policyFile = join(root, 'policy.json');
const registriesConf = join(root, 'registries.conf');
const storageConf = join(root, 'storage.conf');
const cacheDir = join(root, 'helper-cache');
const awsHome = join(root, 'aws-home');
// podman names an image pulled from oci:<dir> after the whole path, which must then be lowercase (tempDir's is not).
const ociDir = join(shortTempDir('dce-podman-oci-'), 'image');

let podman: string;
let buildah: string;
let fake: FakeAws;
let registry: Registry | undefined;
let image: OciImage;
let token: string;
let caPem: string;

before(async () => {
  podman = requireTool('podman');
  buildah = requireTool('buildah');
  requireTool('openssl');
  requireTool('docker-registry');
  requireTool('htpasswd');
  assertBuilt();
  fake = await startFakeAws();
  mkdirSync(awsHome);

  // The registry's password must exist before it starts, so ask the helper first; the token is then in the
  // helper's cache (AWS_ECR_CACHE_DIR, shared by the sessions below), where podman's and buildah's calls find it.
  const first = await runExecutable(['get'], { stdin: HOST, env: baseEnv() });
  assert.equal(first.code, 0, first.stderr);
  token = (JSON.parse(first.stdout) as { Secret: string }).Secret;
  assert.equal(token, fake.issued[0].password);

  const ca = makeCa(join(root, 'ca'));
  caPem = readFileSync(ca.certFile, 'utf8');
  const leaf = makeLeaf(ca, join(root, 'certs'), [HOST]);
  mkdirSync(trustDir);
  // containers/image takes *.crt in a cert dir as CAs.
  copyFileSync(ca.certFile, join(trustDir, 'ca.crt'));
  registry = await startRegistry({
    dir: join(root, 'registry'),
    certFile: leaf.certFile,
    keyFile: leaf.keyFile,
    users: { AWS: token },
  });
  fake.route(`${HOST}:443`, { port: registry.port });

  image = writeOciImage(ociDir, 'v1', 'hello from podman-buildah.test.ts\n');
  // The machine's own containers configuration must not matter: accept any image, no mirrors, no storage.conf.
  writeFileSync(policyFile, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  writeFileSync(registriesConf, '');
  // Every command names its own --root and --runroot; these only keep /etc/containers/storage.conf out.
  writeFileSync(
    storageConf,
    `[storage]\ndriver = "vfs"\nrunroot = "${join(root, 'unused-runroot')}"\ngraphroot = "${join(root, 'unused-root')}"\n`,
  );
});
// Each test counts its own AWS calls and proxy tunnels (routes survive a reset).
beforeEach(() => fake?.reset());
after(async () => {
  rmSync(ociDir, { recursive: true, force: true });
  await registry?.close();
  await fake?.close();
});

/** The helper's environment: static keys against the fake AWS, one token cache (by default the file's). */
function baseEnv(cache = cacheDir): Record<string, string> {
  return { ...helperEnv(fake.url, awsHome), AWS_ECR_CACHE_DIR: cache };
}

type Where = 'REGISTRY_AUTH_FILE' | 'XDG_RUNTIME_DIR' | '~/.docker/config.json';

interface Session {
  home: string;
  /** ${XDG_RUNTIME_DIR}/containers/auth.json */
  xdgAuth: string;
  /** The file that sends HOST to the configured helper. */
  configFile: string;
  /** `store` names a separate containers storage (--root, --runroot), so a pull starts empty. */
  podman(args: string[], opts?: { store?: string; stdin?: string }): Promise<CommandResult>;
  buildah(args: string[], opts?: { store?: string }): Promise<CommandResult>;
  /** What docker-credential-ecr was called with, in order. */
  calls(): RecordedCall[];
}

const credHelpers = (helper: string): string => JSON.stringify({ credHelpers: { [HOST]: helper } });

/**
 * podman and buildah with their own HOME, XDG_RUNTIME_DIR, TMPDIR and storage, finding a recording
 * docker-credential-ecr and docker-credential-ecrwrong (a wrong secret) on PATH. `where` is the one place
 * that sends HOST to `helper`; every later place in containers/image's search order (REGISTRY_AUTH_FILE,
 * $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json, ~/.docker/config.json) sends it to
 * ecrwrong, so a client reading the wrong file meets a 401.
 */
function session(where: Where, opts: { cache?: string; helper?: string } = {}): Session {
  const dir = tempDir('dce-podman-s-');
  const home = join(dir, 'home');
  const runtimeDir = join(dir, 'run');
  const logDir = join(dir, 'stdin');
  const bin = recordingHelper(join(dir, 'bin'), logDir);
  fixedAnswerHelper(bin, 'AWS', 'not-the-token', 'ecrwrong');
  mkdirSync(home);
  mkdirSync(runtimeDir, { mode: 0o700 });
  mkdirSync(join(dir, 'tmp'));
  const xdgAuth = join(runtimeDir, 'containers', 'auth.json');
  const dockerConfig = join(home, '.docker', 'config.json');
  const authFile = where === 'REGISTRY_AUTH_FILE' ? join(dir, 'auth.json') : undefined;
  const order = [
    ...(authFile ? [authFile] : []),
    xdgAuth,
    join(home, '.config', 'containers', 'auth.json'),
    dockerConfig,
  ];
  const configFile = authFile ?? (where === 'XDG_RUNTIME_DIR' ? xdgAuth : dockerConfig);
  for (const file of order.slice(order.indexOf(configFile))) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, credHelpers(file === configFile ? (opts.helper ?? 'ecr') : 'ecrwrong'));
  }
  // Exactly this environment (runCommand passes nothing else): no DOCKER_CONFIG, no XDG_CONFIG_HOME.
  const env: Record<string, string> = {
    ...baseEnv(opts.cache),
    HOME: home,
    PATH: pathWith(bin),
    XDG_RUNTIME_DIR: runtimeDir,
    ...(authFile ? { REGISTRY_AUTH_FILE: authFile } : {}),
    // The ECR host name goes through the fake's CONNECT route to the registry; the helper's own calls to the
    // fake AWS on 127.0.0.1 stay direct.
    HTTPS_PROXY: fake.url,
    NO_PROXY: '127.0.0.1',
    CONTAINERS_REGISTRIES_CONF: registriesConf,
    CONTAINERS_STORAGE_CONF: storageConf,
    TMPDIR: join(dir, 'tmp'),
  };
  // --runroot: at most 50 characters, so not under TMPDIR, which may be long.
  const runroots = shortTempDir('dce-rr-');
  const storage = (name: string): string[] => [
    '--root',
    join(dir, name, 'root'),
    '--runroot',
    join(runroots, name),
    '--storage-driver',
    'vfs',
  ];
  return {
    home,
    xdgAuth,
    configFile,
    podman: (args, { store = 'podman', stdin = '' } = {}) =>
      runCommand(
        podman,
        [
          ...storage(store),
          '--tmpdir',
          join(dir, store, 'tmp'),
          '--cgroup-manager',
          'cgroupfs',
          '--events-backend',
          'file',
          ...args,
        ],
        {
          env,
          stdin,
          timeoutMs: 30_000,
        },
      ),
    buildah: (args, { store = 'buildah' } = {}) =>
      runCommand(buildah, [...storage(store), ...args], { env, timeoutMs: 30_000 }),
    calls: () => recordedCalls(logDir),
  };
}

function ok(what: string, result: CommandResult): void {
  assert.equal(
    result.code,
    0,
    `${what}: ${transcript(result)}\n--- registry log (tail)\n${registry?.log().slice(-4000) ?? ''}`,
  );
}

const GET: RecordedCall = { action: 'get', stdin: HOST };
const STORE = (secret: string): RecordedCall => ({
  action: 'store',
  stdin: `${JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: secret })}\n`,
});
const ERASE: RecordedCall = { action: 'erase', stdin: HOST };
const UNAUTHORIZED = /unauthorized: authentication required/;

const pull = (s: Session, ref: string, store: string): Promise<CommandResult> =>
  s.podman(['pull', '--signature-policy', policyFile, '--cert-dir', trustDir, ref], { store });

/** The image from disk (no registry, no helper) into podman's storage, tagged ref. */
async function loadLocal(s: Session, ref: string): Promise<void> {
  const local = await s.podman(['pull', '--signature-policy', policyFile, '-q', `oci:${image.dir}:${image.tag}`]);
  ok('podman pull oci:', local);
  assert.equal(`sha256:${local.stdout.trim()}`, image.configDigest);
  ok('podman tag', await s.podman(['tag', local.stdout.trim(), ref]));
}

/** GET from the registry itself (not through podman or buildah), for checking what they pushed. */
function registryGet(path: string): Promise<{ status: number; digest: string | undefined; body: Buffer }> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: registry!.port,
        servername: HOST,
        ca: caPem,
        path,
        headers: {
          authorization: `Basic ${Buffer.from(`AWS:${token}`).toString('base64')}`,
          accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            digest: res.headers['docker-content-digest'] as string | undefined,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

async function manifest(
  tag: string,
): Promise<{ digest: string | undefined; config: { digest: string }; layers: { digest: string }[] }> {
  const res = await registryGet(`/v2/repo/manifests/${tag}`);
  assert.equal(res.status, 200, `manifest ${tag}: ${res.body.toString()}`);
  return {
    ...(JSON.parse(res.body.toString()) as { config: { digest: string }; layers: { digest: string }[] }),
    digest: res.digest,
  };
}

async function blob(digest: string): Promise<Buffer> {
  const res = await registryGet(`/v2/repo/blobs/${digest}`);
  assert.equal(res.status, 200, `blob ${digest}`);
  return res.body;
}

for (const where of ['REGISTRY_AUTH_FILE', 'XDG_RUNTIME_DIR', '~/.docker/config.json'] as const) {
  test(`credHelpers in ${where}: podman push and pull, buildah bud FROM it and push`, async () => {
    const s = session(where);
    const tag = where.replace(/[^a-z]/gi, '').toLowerCase();
    const ref = `${HOST}/repo:${tag}`;
    await loadLocal(s, ref);
    assert.deepEqual(s.calls(), []);

    const digestFile = join(s.home, 'pushed-digest');
    ok('podman push', await s.podman(['push', '--cert-dir', trustDir, '--digestfile', digestFile, ref]));
    assert.deepEqual(s.calls(), [GET]);
    // The registry holds the image under the digest podman reported, with the config built on disk.
    const pushed = await manifest(tag);
    assert.equal(pushed.digest, readFileSync(digestFile, 'utf8'));
    assert.equal(pushed.config.digest, image.configDigest);

    // A pull into empty storage: the image comes back from the registry, unchanged.
    ok('podman pull', await pull(s, ref, 'podman-pull'));
    assert.deepEqual(s.calls(), [GET, GET]);
    const inspected = await s.podman(['image', 'inspect', ref], { store: 'podman-pull' });
    ok('podman image inspect', inspected);
    const [info] = JSON.parse(inspected.stdout) as { Id: string; Digest: string; RootFS: { Layers: string[] } }[];
    assert.equal(`sha256:${info.Id}`, image.configDigest);
    assert.equal(info.Digest, pushed.digest);
    assert.deepEqual(info.RootFS.Layers, [image.diffId]);

    // buildah builds FROM the pushed image (pulling it through the helper) and pushes the result.
    const context = join(s.home, 'context');
    mkdirSync(context);
    const added = `built by buildah with credHelpers in ${where}\n`;
    writeFileSync(join(context, 'added.txt'), added);
    writeFileSync(join(context, 'Containerfile'), `FROM ${ref}\nCOPY added.txt /added.txt\n`);
    const builtRef = `${HOST}/repo:${tag}-built`;
    ok(
      'buildah bud',
      await s.buildah([
        'bud',
        '--isolation',
        'chroot',
        '--signature-policy',
        policyFile,
        '--cert-dir',
        trustDir,
        '-t',
        builtRef,
        '-f',
        join(context, 'Containerfile'),
        context,
      ]),
    );
    assert.deepEqual(s.calls(), [GET, GET, GET]);
    ok(
      'buildah push',
      await s.buildah([
        'push',
        '--signature-policy',
        policyFile,
        '--cert-dir',
        trustDir,
        builtRef,
        `docker://${builtRef}`,
      ]),
    );
    assert.deepEqual(s.calls(), [GET, GET, GET, GET]);

    // The registry holds the base layer and, on top, a layer with the COPYed file.
    const built = await manifest(`${tag}-built`);
    assert.equal(built.layers.length, 2);
    const config = JSON.parse((await blob(built.config.digest)).toString()) as { rootfs: { diff_ids: string[] } };
    assert.equal(config.rootfs.diff_ids[0], image.diffId);
    const layer = await blob(built.layers[1].digest);
    const tar = layer[0] === 0x1f && layer[1] === 0x8b ? gunzipSync(layer) : layer;
    assert.ok(tar.includes(Buffer.from(added)), 'the pushed top layer holds the COPYed file');

    // Every get was answered from the helper's cache (filled before the registry started): no AWS call.
    assert.equal(fake.callsFor('ecr').length, 0);
    assert.ok(fake.connects.length > 0 && fake.connects.every((c) => c === `${HOST}:443`), fake.connects.join(', '));
  });
}

test('negative control: a helper answering a wrong secret is refused by the registry, for podman and buildah', async () => {
  const s = session('XDG_RUNTIME_DIR', { helper: 'ecrwrong' });
  const ref = `${HOST}/repo:refused`;
  const pulled = await pull(s, ref, 'refused');
  assert.equal(pulled.code, 125, transcript(pulled));
  assert.match(pulled.stderr, UNAUTHORIZED);
  await loadLocal(s, ref);
  const pushed = await s.podman(['push', '--cert-dir', trustDir, ref]);
  assert.equal(pushed.code, 125, transcript(pushed));
  assert.match(pushed.stderr, UNAUTHORIZED);
  const context = join(s.home, 'context');
  mkdirSync(context);
  writeFileSync(join(context, 'Containerfile'), `FROM ${ref}\n`);
  const built = await s.buildah([
    'bud',
    '--isolation',
    'chroot',
    '--signature-policy',
    policyFile,
    '--cert-dir',
    trustDir,
    '-f',
    join(context, 'Containerfile'),
    context,
  ]);
  assert.notEqual(built.code, 0, transcript(built));
  assert.match(built.stderr, UNAUTHORIZED);
  assert.deepEqual(s.calls(), []);
});

for (const where of ['REGISTRY_AUTH_FILE', 'XDG_RUNTIME_DIR'] as const) {
  test(`podman login and logout with credHelpers in ${where}: get, store (nothing kept), erase, then a new token`, async () => {
    // A copy of the token cache: this test's erase must not empty the one the other tests use.
    const cache = join(tempDir('dce-podman-cache-'), 'cache');
    cpSync(cacheDir, cache, { recursive: true });
    const s = session(where, { cache });
    const config = readFileSync(s.configFile, 'utf8');
    const login = (stdin?: string): Promise<CommandResult> =>
      s.podman(
        ['login', '--cert-dir', trustDir, ...(stdin === undefined ? [] : ['-u', 'AWS', '--password-stdin']), HOST],
        { stdin },
      );

    // Without credentials: podman asks the helper, checks the answer with the registry, and stops there.
    const existing = await login();
    ok('podman login', existing);
    assert.equal(
      existing.stdout,
      `Authenticating with existing credentials for ${HOST}\nExisting credentials are valid. Already logged in to ${HOST}\n`,
    );
    assert.deepEqual(s.calls(), [GET]);

    // With credentials: checked with the registry, then handed to the helper's store, which keeps nothing.
    const given = await login(token);
    ok('podman login --password-stdin', given);
    assert.equal(given.stdout, 'Login Succeeded!\n');
    assert.match(given.stderr, /^docker-credential-ecr: warning: docker login is not needed with this helper/m);
    assert.deepEqual(s.calls(), [GET, GET, STORE(token)]);
    assert.equal(readFileSync(s.configFile, 'utf8'), config, 'the token must not land in the auth file');

    // A wrong password: the registry refuses it and nothing reaches store.
    const wrong = await login('not-the-token');
    assert.equal(wrong.code, 125, transcript(wrong));
    assert.match(wrong.stderr, /invalid username\/password/);
    assert.deepEqual(s.calls(), [GET, GET, STORE(token), GET]);
    assert.equal(fake.callsFor('ecr').length, 0, 'every get so far came from the cache');

    const logout = await s.podman(['logout', HOST]);
    ok('podman logout', logout);
    assert.equal(logout.stdout, `Removed login credentials for ${HOST}\n`);
    assert.deepEqual(s.calls(), [GET, GET, STORE(token), GET, ERASE]);
    // podman rewrites the file (adding an empty "auths"), keeping the credHelpers entry.
    const after = JSON.parse(readFileSync(s.configFile, 'utf8')) as { credHelpers: unknown; auths?: object };
    assert.deepEqual(after.credHelpers, { [HOST]: 'ecr' });
    assert.deepEqual(after.auths ?? {}, {});

    // erase dropped the cached token: the next get asks AWS, whose new token this registry does not know.
    const refused = await pull(s, `${HOST}/repo:any`, 'after-logout');
    assert.equal(refused.code, 125, transcript(refused));
    assert.match(refused.stderr, UNAUTHORIZED);
    assert.deepEqual(s.calls(), [GET, GET, STORE(token), GET, ERASE, GET]);
    assert.equal(fake.callsFor('ecr').length, 1);
    assert.notEqual(fake.issued[0].password, token);
  });
}

test('podman login with credHelpers only in ~/.docker/config.json: the token goes base64 into $XDG_RUNTIME_DIR/containers/auth.json, no store, no erase', async () => {
  const s = session('~/.docker/config.json');
  const config = readFileSync(s.configFile, 'utf8');
  const ref = `${HOST}/repo:docker-login`;
  await loadLocal(s, ref);
  ok('podman push', await s.podman(['push', '--cert-dir', trustDir, ref]));
  assert.deepEqual(s.calls(), [GET]);

  const login = await s.podman(['login', '--cert-dir', trustDir, '-u', 'AWS', '--password-stdin', HOST], {
    stdin: token,
  });
  ok('podman login --password-stdin', login);
  assert.equal(login.stdout, 'Login Succeeded!\n');
  assert.deepEqual(s.calls(), [GET, GET], 'podman writes its own file, not through the helper');
  assert.equal(readFileSync(s.configFile, 'utf8'), config);
  const written = JSON.parse(readFileSync(s.xdgAuth, 'utf8')) as { auths: Record<string, { auth: string }> };
  assert.deepEqual(written.auths, { [HOST]: { auth: Buffer.from(`AWS:${token}`).toString('base64') } });

  // That copy now comes first: the pull never asks the helper (and will fail once the token expires).
  ok('podman pull', await pull(s, ref, 'pull-after-login'));
  assert.deepEqual(s.calls(), [GET, GET]);

  const logout = await s.podman(['logout', HOST]);
  ok('podman logout', logout);
  assert.equal(logout.stdout, `Removed login credentials for ${HOST}\n`);
  assert.deepEqual(s.calls(), [GET, GET], 'no erase: the helper is not in the file podman edits');
  assert.deepEqual((JSON.parse(readFileSync(s.xdgAuth, 'utf8')) as { auths: object }).auths, {});

  // Back to the helper, whose cache logout did not touch.
  ok('podman pull', await pull(s, ref, 'pull-after-logout'));
  assert.deepEqual(s.calls(), [GET, GET, GET]);
  assert.equal(fake.callsFor('ecr').length, 0);
});

test('a missing podman or buildah fails naming its Debian package', () => {
  const empty = tempDir('dce-podman-nopath-');
  assert.ok(!existsSync(join(empty, 'podman')));
  assert.throws(() => requireTool('podman', empty), {
    message:
      'podman is not on PATH; this end-to-end test needs it: install Debian package podman (npm test installs it as root; elsewhere: sudo node scripts/setup.mjs)',
  });
  assert.throws(
    () => requireTool('buildah', empty),
    /^Error: buildah is not on PATH; .*install Debian package buildah /,
  );
});
