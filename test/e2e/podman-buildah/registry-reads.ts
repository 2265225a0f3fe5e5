// Reading what podman and buildah pushed straight from the rig's registry (rig.ts), not through either of them.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { caPem, HOST, registry, token } from './rig';

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

export async function manifest(
  tag: string,
): Promise<{ digest: string | undefined; config: { digest: string }; layers: { digest: string }[] }> {
  const res = await registryGet(`/v2/repo/manifests/${tag}`);
  assert.equal(res.status, 200, `manifest ${tag}: ${res.body.toString()}`);
  return {
    ...(JSON.parse(res.body.toString()) as { config: { digest: string }; layers: { digest: string }[] }),
    digest: res.digest,
  };
}

export async function blob(digest: string): Promise<Buffer> {
  const res = await registryGet(`/v2/repo/blobs/${digest}`);
  assert.equal(res.status, 200, `blob ${digest}`);
  return res.body;
}
