// What a Docker engine does with a pull's credentials, done for the fake engine (fake-docker-engine.ts `authorize`):
// fetch the manifest and every blob it names from the real registry (registry.ts) with the username and password
// the docker CLI sent in X-Registry-Auth, and check each blob's digest. The registry, not the test, decides whether
// the credentials are good.
import { createHash } from 'node:crypto';
import * as https from 'node:https';
import type { PullRecord } from './fake-docker-engine';

export interface RegistryEndpoint {
  port: number;
  /** PEM of the CA that signed the registry's certificate (which must name the image's host). */
  ca: string;
}

const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

function get(
  registry: RegistryEndpoint,
  host: string,
  path: string,
  auth: string | undefined,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((done, fail) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: registry.port,
        servername: host,
        ca: registry.ca,
        path,
        headers: { host, accept: ACCEPT, ...(auth ? { authorization: auth } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/**
 * Pulls pull.fromImage:pull.tag (the repository is the name after the host) from the registry. True when every
 * blob arrived intact; false when the registry refused the credentials (the engine then says what Docker says);
 * otherwise what went wrong.
 */
export async function pullFromRegistry(registry: RegistryEndpoint, pull: PullRecord): Promise<boolean | string> {
  const [host, ...rest] = pull.fromImage.split('/');
  const repo = rest.join('/');
  const { username, password } = pull.auth ?? {};
  const auth =
    username || password ? `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}` : undefined;
  const manifest = await get(registry, host, `/v2/${repo}/manifests/${pull.tag}`, auth);
  if (manifest.status === 401) return false;
  if (manifest.status !== 200) return `manifest: HTTP ${manifest.status} ${manifest.body.toString('utf8').trim()}`;
  const parsed = JSON.parse(manifest.body.toString('utf8')) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  for (const { digest } of [parsed.config, ...parsed.layers]) {
    const blob = await get(registry, host, `/v2/${repo}/blobs/${digest}`, auth);
    if (blob.status !== 200) return `blob ${digest}: HTTP ${blob.status}`;
    const got = `sha256:${createHash('sha256').update(blob.body).digest('hex')}`;
    if (got !== digest) return `blob ${digest}: content has digest ${got}`;
  }
  return true;
}
