// skopeo (containers/image) pushes to and inspects a real registry (CNCF distribution, TLS, htpasswd) that
// answers under the ECR host name, with credentials only from credHelpers -> the built helper. The registry
// accepts exactly the token the fake AWS issued, so a push that succeeds proves the helper delivered it.
//
// What skopeo 1.9 sends the helper on stdin (recorded below): `get` with the bare host, no scheme, no
// path, no trailing newline; one `get` per registry client it opens (copy: one; inspect: two).
// On a helper failure (exit 1), skopeo stops: no anonymous attempt; the helper's stderr passes through and
// skopeo's fatal error quotes the helper's stdout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { assertBuilt, runExecutable } from '../support/executable';
import {
  fixedAnswerHelper,
  helperEnv,
  linkHelper,
  pathWith,
  recordedCalls,
  recordingHelper,
} from '../support/helper-bin';
import { runCommand, transcript, type CommandResult } from '../support/command';
import { writeOciImage, type OciImage } from '../support/oci-layout';
import { startEcrRegistry, type Registry } from '../support/registry';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const REF = `docker://${HOST}/repo:v1`;

// At load time, not in before(): node:test runs an after() registered inside before() as soon as before() ends.
const root = tempDir('dce-skopeo-');
const home = join(root, 'home');
const trustDir = join(root, 'trust');
const policyFile = join(root, 'policy.json');
const registriesD = join(root, 'registries.d');
const registriesConf = join(root, 'registries.conf');

let skopeo: string;
let fake: FakeAws;
let registry: Registry | undefined;
let image: OciImage;
let token: string;
let realBin: string;

before(async () => {
  requireTool('openssl');
  skopeo = requireTool('skopeo');
  requireTool('docker-registry');
  requireTool('htpasswd');
  assertBuilt();
  fake = await startFakeAws();
  mkdirSync(home);

  // The registry's password must exist before it starts, so ask the helper first, as skopeo will; the token
  // is then in the helper's cache under this HOME, where skopeo's calls find it.
  const first = await runExecutable(['get'], { stdin: HOST, env: helperEnv(fake.url, home) });
  assert.equal(first.code, 0, first.stderr);
  token = (JSON.parse(first.stdout) as { Secret: string }).Secret;
  assert.equal(token, fake.issued[0].password);

  const started = await startEcrRegistry(fake, root, HOST, token);
  registry = started.registry;
  mkdirSync(trustDir);
  // containers/image takes *.crt in a cert dir as CAs.
  copyFileSync(started.ca.certFile, join(trustDir, 'ca.crt'));

  image = writeOciImage(join(root, 'oci'), 'v1');
  // The machine's own containers configuration must not matter: accept any image, no lookaside, no mirrors.
  writeFileSync(policyFile, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  mkdirSync(registriesD);
  writeFileSync(registriesConf, '');
  realBin = linkHelper(join(root, 'bin'));
});
after(async () => {
  await registry?.close();
  await fake?.close();
});

/** REGISTRY_AUTH_FILE content: HOST's credentials come from docker-credential-<helper>. */
function authFile(helper: string): string {
  const file = join(tempDir('dce-skopeo-auth-'), 'auth.json');
  writeFileSync(file, JSON.stringify({ credHelpers: { [HOST]: helper } }));
  return file;
}

function runSkopeo(
  args: string[],
  opts: { bin?: string; helper?: string; home?: string } = {},
): Promise<CommandResult> {
  const env = {
    ...helperEnv(fake.url, opts.home ?? home),
    PATH: pathWith(opts.bin ?? realBin),
    REGISTRY_AUTH_FILE: authFile(opts.helper ?? 'ecr'),
    // skopeo reaches the ECR host name through the fake's CONNECT route to the registry; the helper's own
    // calls to the fake AWS on 127.0.0.1 stay direct.
    HTTPS_PROXY: fake.url,
    NO_PROXY: '127.0.0.1',
    CONTAINERS_REGISTRIES_CONF: registriesConf,
    DOCKER_CONFIG: tempDir('dce-skopeo-docker-'),
  };
  return runCommand(skopeo, ['--policy', policyFile, '--registries.d', registriesD, ...args], {
    env,
    timeoutMs: 30_000,
  });
}

const copy = (opts?: Parameters<typeof runSkopeo>[1]): Promise<CommandResult> =>
  runSkopeo(['copy', '--dest-cert-dir', trustDir, `oci:${image.dir}:${image.tag}`, REF], opts);
const inspect = (opts?: Parameters<typeof runSkopeo>[1]): Promise<CommandResult> =>
  runSkopeo(['inspect', '--cert-dir', trustDir, REF], opts);

function registryLog(): string {
  return `\n--- registry log\n${registry?.log() ?? ''}`;
}

test('skopeo copy to the registry under the ECR host name, then inspect, with the token from credHelpers', async () => {
  const pushed = await copy();
  assert.equal(pushed.code, 0, transcript(pushed) + registryLog());
  const inspected = await inspect();
  assert.equal(inspected.code, 0, transcript(inspected) + registryLog());
  const info = JSON.parse(inspected.stdout) as { Name: string; Digest: string; RepoTags: string[]; Layers: string[] };
  assert.equal(info.Name, `${HOST}/repo`);
  // The manifest went through unchanged: the registry holds exactly the image built on disk.
  assert.equal(info.Digest, image.manifestDigest);
  assert.deepEqual(info.Layers, [image.layerDigest]);
  assert.deepEqual(info.RepoTags, ['v1']);
  // Both runs got the token from the helper's cache: one AWS call in all, the one made before the registry started.
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.ok(
    fake.connects.every((c) => c === `${HOST}:443`),
    fake.connects.join(', '),
  );
  assert.ok(fake.connects.length >= 2, 'skopeo must have gone through the proxy route');
});

test('negative control: a helper answering a wrong secret is refused by the registry', async () => {
  const bin = fixedAnswerHelper(join(tempDir('dce-skopeo-wrong-'), 'bin'), 'AWS', 'not-the-token', 'ecrwrong');
  const result = await inspect({ bin, helper: 'ecrwrong' });
  assert.equal(result.code, 1, transcript(result));
  assert.match(result.stderr, /unauthorized: authentication required/);
  const pushed = await copy({ bin, helper: 'ecrwrong' });
  assert.equal(pushed.code, 1, transcript(pushed));
  assert.match(pushed.stderr, /unauthorized: authentication required/);
});

test('what skopeo sends the helper on stdin, exactly', async () => {
  const dir = tempDir('dce-skopeo-rec-');
  const logDir = join(dir, 'stdin');
  const bin = recordingHelper(join(dir, 'bin'), logDir);
  const pushed = await copy({ bin });
  assert.equal(pushed.code, 0, transcript(pushed));
  assert.deepEqual(recordedCalls(logDir), [{ action: 'get', stdin: HOST }]);
  const inspected = await inspect({ bin });
  assert.equal(inspected.code, 0, transcript(inspected));
  // inspect opens two registry clients (manifest, then the tag list), each asking the helper.
  assert.deepEqual(recordedCalls(logDir), [
    { action: 'get', stdin: HOST },
    { action: 'get', stdin: HOST },
    { action: 'get', stdin: HOST },
  ]);
});

test('a failing AWS call: skopeo stops (no anonymous attempt) and shows the explanation twice', async () => {
  const freshHome = tempDir('dce-skopeo-home-');
  fake.fail('ecr', 'access-denied');
  try {
    const result = await inspect({ home: freshHome });
    assert.equal(result.code, 1, transcript(result));
    const explanation =
      /123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com: no token from the ECR API in us-east-1 as environment key AKIAE2ETESTKEY000001: access denied .*needs IAM permission ecr:GetAuthorizationToken/;
    // The helper's stderr, passed through ...
    assert.match(result.stderr, new RegExp(`^docker-credential-ecr: ${explanation.source}$`, 'm'));
    // ... and skopeo's own fatal error, quoting the helper's stdout answer.
    assert.match(
      result.stderr,
      new RegExp(`level=fatal .*error getting credentials - err: exit status 1, out: \`${explanation.source}\``),
    );
    assert.doesNotMatch(result.stderr, /e2e-secret-access-key/);
  } finally {
    fake.reset();
  }
});
