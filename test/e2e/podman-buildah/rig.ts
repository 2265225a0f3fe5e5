// Debian's podman (4.3) and buildah (1.28) push to, pull from and build on a real registry (CNCF
// distribution, TLS, htpasswd) that answers under the ECR host name, with credentials only from
// credHelpers -> the built helper. The registry accepts exactly the token the fake AWS issued, so every push
// and pull that succeeds proves the helper delivered it. The registry is reached as in
// test/e2e/skopeo-registry.test.ts: HTTPS_PROXY is the fake AWS, whose CONNECT route for <ECR host>:443 tunnels to
// the registry on 127.0.0.1.
//
// This file is that set-up, shared by the *.test.ts beside it: useRig() starts the fake AWS and the registry
// before a file's tests and closes them after.
import { after, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAws, type FakeAws } from '../../support/fake-aws';
import { assertBuilt, runExecutable } from '../../support/executable';
import { helperEnv } from '../../support/helper-bin';
import { writeOciImage, type OciImage } from '../../support/oci-layout';
import { startEcrRegistry, type Registry } from '../../support/registry';
import { requireTool } from '../../support/tools';
import { shortTempDir, tempDir } from '../../support/temp';

export const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

// At load time, not in before(): node:test runs an after() registered inside before() as soon as before() ends.
const root = tempDir('dce-podman-');
export const trustDir = join(root, 'trust');
export const policyFile = join(root, 'policy.json');
export const registriesConf = join(root, 'registries.conf');
export const storageConf = join(root, 'storage.conf');
export const cacheDir = join(root, 'helper-cache');
const awsHome = join(root, 'aws-home');
// podman names an image pulled from oci:<dir> after the whole path, which must then be lowercase (tempDir's is not).
const ociDir = join(shortTempDir('dce-podman-oci-'), 'image');

// Set by useRig()'s before(): read them inside a test.
export let podman: string;
export let buildah: string;
export let fake: FakeAws;
export let registry: Registry | undefined;
export let image: OciImage;
export let token: string;
export let caPem: string;

export function useRig(): void {
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

    const started = await startEcrRegistry(fake, root, HOST, token);
    registry = started.registry;
    caPem = readFileSync(started.ca.certFile, 'utf8');
    mkdirSync(trustDir);
    // containers/image takes *.crt in a cert dir as CAs.
    copyFileSync(started.ca.certFile, join(trustDir, 'ca.crt'));

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
}

/** The helper's environment: static keys against the fake AWS, one token cache (by default the file's). */
export function baseEnv(cache = cacheDir): Record<string, string> {
  return { ...helperEnv(fake.url, awsHome), AWS_ECR_CACHE_DIR: cache };
}
