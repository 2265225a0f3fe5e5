// What the fake Docker Engine (../fake-docker-engine.ts) does with images: a pull (POST /images/create) answered
// as the registry would decide, a classic-builder build (POST /build) and docker load (POST /images/load), each
// recorded.
import type * as http from 'node:http';
import { tarMember } from '../oci-layout';
import {
  decodeRegistryAuth,
  engineHeaders,
  sendJson,
  type EngineOptions,
  type PullRecord,
  type RegistryAuth,
} from './protocol';

// Not 401: on a 401 the docker CLI starts an interactive login prompt (for Docker Hub, whatever the
// registry), which is not what a real engine's pull refusal leads to.
const REFUSAL_STATUS = 500;

/** POST /images/create: recorded, then refused or answered with a pull's progress as `authorize` decides. */
export async function answerPull(
  url: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pulls: PullRecord[],
  authorize: EngineOptions['authorize'],
): Promise<void> {
  const fromImage = url.searchParams.get('fromImage') ?? '';
  const tag = url.searchParams.get('tag') ?? '';
  const rawAuth = req.headers['x-registry-auth'];
  const pull: PullRecord = { fromImage, tag };
  if (typeof rawAuth === 'string') {
    pull.rawAuth = rawAuth;
    const auth = decodeRegistryAuth(rawAuth);
    if (auth) pull.auth = auth;
  }
  pulls.push(pull);
  const verdict = authorize ? await authorize(pull) : true;
  if (verdict !== true) {
    // The engine fails before any progress when the registry refuses the manifest request, so the
    // CLI gets an HTTP error. The texts: the engine's own without credentials, the registry's with wrong ones.
    const [registry, ...repo] = fromImage.split('/');
    const anonymous = !pull.auth?.username && !pull.auth?.password;
    const why =
      typeof verdict === 'string'
        ? verdict
        : anonymous
          ? 'no basic auth credentials'
          : 'unauthorized: authentication required';
    sendJson(res, REFUSAL_STATUS, {
      message: `Head "https://${registry}/v2/${repo.join('/')}/manifests/${tag}": ${why}`,
    });
    return;
  }
  res.writeHead(200, engineHeaders({ 'content-type': 'application/json' }));
  const name = `${fromImage}:${tag}`;
  const digest = `sha256:${'ab'.repeat(32)}`;
  res.end(
    [
      { status: `Pulling from ${fromImage.split('/').slice(1).join('/')}`, id: tag },
      { status: `Digest: ${digest}` },
      { status: `Status: Downloaded newer image for ${name}` },
    ]
      .map((m) => `${JSON.stringify(m)}\n`)
      .join(''),
  );
}

/** POST /build: the credentials the classic builder sent, recorded; a build of nothing answered. */
export function answerBuild(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  builds: Array<{ registryConfig?: Record<string, RegistryAuth> }>,
): void {
  // The classic builder (DOCKER_BUILDKIT=0) sends every credential it has up front, in X-Registry-Config.
  const raw = req.headers['x-registry-config'];
  let registryConfig: Record<string, RegistryAuth> | undefined;
  try {
    registryConfig =
      typeof raw === 'string'
        ? (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, RegistryAuth>)
        : undefined;
  } catch {
    registryConfig = undefined;
  }
  builds.push(registryConfig ? { registryConfig } : {});
  res.writeHead(200, engineHeaders({ 'content-type': 'application/json' }));
  const id = `sha256:${'cd'.repeat(32)}`;
  res.end(
    [
      { stream: 'Step 1/1 : FROM scratch\n' },
      { aux: { ID: id } },
      { stream: `Successfully built ${id.slice(7, 19)}\n` },
    ]
      .map((m) => `${JSON.stringify(m)}\n`)
      .join(''),
  );
}

/** POST /images/load: the images the archive names, recorded and reported loaded. */
export function answerLoad(
  raw: Buffer,
  res: http.ServerResponse,
  loads: Array<{ bytes: number; tags: string[] }>,
): void {
  // A real engine unpacks the archive; this one reads the images it names (manifest.json) and keeps nothing else.
  let tags: string[] = [];
  try {
    tags = (JSON.parse(tarMember(raw, 'manifest.json')?.toString('utf8') ?? '') as { RepoTags?: string[] }[]).flatMap(
      (m) => m.RepoTags ?? [],
    );
  } catch {
    // Not an archive docker load reads: refused below.
  }
  loads.push({ bytes: raw.length, tags });
  if (tags.length === 0) {
    sendJson(res, 400, { message: 'fake-docker-engine: no manifest.json naming an image in the archive' });
    return;
  }
  res.writeHead(200, engineHeaders({ 'content-type': 'application/json' }));
  res.end(tags.map((t) => `${JSON.stringify({ stream: `Loaded image: ${t}\n` })}\n`).join(''));
}
