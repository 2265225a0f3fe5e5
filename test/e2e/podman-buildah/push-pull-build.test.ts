// podman push and pull, and buildah bud FROM the pushed image and push, with credHelpers in each file podman and
// buildah read it from (the rig: rig.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fake, HOST, image, policyFile, trustDir, useRig } from './rig';
import { GET, loadLocal, ok, pull, session } from './session';
import { blob, manifest } from './registry-reads';

useRig();

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
