// A fake Docker Engine API on a unix socket, just enough for the real docker CLI's `pull`, `login`, `logout` and
// `load` (DOCKER_HOST=unix://<socketPath>). No engine runs on the test machines; this is what lets the
// docker CLI itself run its credential-helper code against the built helper. It records the
// X-Registry-Auth header of each pull (the credentials the CLI got from the helper) and the body of
// each /auth call, decoded.
import * as http from 'node:http';
import type * as net from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeShortDir } from './temp';
import { tarMember } from './oci-layout';

/** What docker 28.2 speaks; the CLI negotiates down to the Api-Version the ping answers with. */
export const ENGINE_API_VERSION = '1.50';
export const ENGINE_MIN_API_VERSION = '1.24';
// Not 401: on a 401 the docker CLI starts an interactive login prompt (for Docker Hub, whatever the
// registry), which is not what a real engine's pull refusal leads to.
const REFUSAL_STATUS = 500;

/** The JSON the CLI base64url-encodes into X-Registry-Auth (and posts to /auth). */
export interface RegistryAuth {
  username?: string;
  password?: string;
  serveraddress?: string;
  auth?: string;
  identitytoken?: string;
  registrytoken?: string;
  email?: string;
}

export interface EngineRequest {
  method: string;
  /** Path without the /v1.xx prefix, e.g. /images/create. */
  path: string;
  /** The /v1.xx prefix's version, if any. */
  apiVersion?: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface PullRecord {
  fromImage: string;
  tag: string;
  /** The X-Registry-Auth header as sent; undefined when the CLI sent none. */
  rawAuth?: string;
  /** rawAuth decoded; undefined when absent or not valid base64url JSON. */
  auth?: RegistryAuth;
}

export interface FakeDockerEngine {
  socketPath: string;
  /** unix://<socketPath>, for DOCKER_HOST. */
  host: string;
  requests: EngineRequest[];
  pulls: PullRecord[];
  /** Bodies of POST /auth, as parsed. */
  logins: RegistryAuth[];
  /** Classic-builder builds (POST /build): the X-Registry-Config header, decoded (server -> AuthConfig). */
  builds: Array<{ registryConfig?: Record<string, RegistryAuth> }>;
  /** docker load: the archive's size and the image names its manifest.json gives. */
  loads: Array<{ bytes: number; tags: string[] }>;
  reset(): void;
  close(): Promise<void>;
}

export interface EngineOptions {
  /**
   * Decides whether a pull's credentials would satisfy the registry, as the engine's own registry client
   * would find out. Default: every pull succeeds. A refusal answers the error message the engine sends
   * for a registry 401; a string instead of false is the registry's own refusal text (ECR's
   * "denied: Your authorization token has expired. Reauthenticate and try again." for an old token).
   */
  authorize?: (pull: PullRecord) => boolean | string | Promise<boolean | string>;
  /** Decides whether POST /auth (docker login) succeeds, as the engine would by asking the registry. Default: yes. */
  authorizeLogin?: (auth: RegistryAuth) => boolean | Promise<boolean>;
}

/** Decodes X-Registry-Auth: base64url (the CLI pads it) of a JSON AuthConfig. */
export function decodeRegistryAuth(header: string): RegistryAuth | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

function engineHeaders(extra: http.OutgoingHttpHeaders = {}): http.OutgoingHttpHeaders {
  return {
    'api-version': ENGINE_API_VERSION,
    'docker-experimental': 'false',
    ostype: 'linux',
    server: 'Docker/28.2.2 (linux)',
    ...extra,
  };
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(
    status,
    engineHeaders({ 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
  );
  res.end(body);
}

/**
 * Starts the engine on a socket in a short directory of its own under /tmp, which close() removes: a unix socket's
 * path is limited to about 107 bytes, and TMPDIR may be anywhere.
 */
export async function startFakeDockerEngine(opts: EngineOptions = {}): Promise<FakeDockerEngine> {
  const socketDir = makeShortDir('dce-engine-');
  const socketPath = join(socketDir, 'docker.sock');
  const requests: EngineRequest[] = [];
  const pulls: PullRecord[] = [];
  const logins: RegistryAuth[] = [];
  const builds: Array<{ registryConfig?: Record<string, RegistryAuth> }> = [];
  const loads: Array<{ bytes: number; tags: string[] }> = [];
  const sockets = new Set<net.Socket>();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://docker');
    const versioned = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    const path = versioned ? versioned[2] : url.pathname;
    const raw = await readBody(req);
    const body = raw.toString('utf8');
    const request: EngineRequest = {
      method: req.method ?? '',
      path,
      ...(versioned ? { apiVersion: versioned[1] } : {}),
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    };
    requests.push(request);

    if (path === '/_ping' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(
        200,
        engineHeaders({
          'content-type': 'text/plain; charset=utf-8',
          'content-length': 2,
          'cache-control': 'no-cache, no-store, must-revalidate',
          pragma: 'no-cache',
        }),
      );
      res.end(req.method === 'GET' ? 'OK' : undefined);
      return;
    }
    if (path === '/version' && req.method === 'GET') {
      sendJson(res, 200, {
        Platform: { Name: 'fake-docker-engine' },
        Version: '28.2.2',
        ApiVersion: ENGINE_API_VERSION,
        MinAPIVersion: ENGINE_MIN_API_VERSION,
        Os: 'linux',
        Arch: 'amd64',
        KernelVersion: 'fake',
        GitCommit: 'fake',
        GoVersion: 'go1.24',
      });
      return;
    }
    if (path === '/images/create' && req.method === 'POST') {
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
      const verdict = opts.authorize ? await opts.authorize(pull) : true;
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
      return;
    }
    if (path === '/build' && req.method === 'POST') {
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
      return;
    }
    if (path === '/auth' && req.method === 'POST') {
      let auth: RegistryAuth = {};
      try {
        auth = JSON.parse(body) as RegistryAuth;
      } catch {
        // Recorded as empty: the test then fails on the missing fields.
      }
      logins.push(auth);
      if (opts.authorizeLogin && !(await opts.authorizeLogin(auth))) {
        // What the engine answers when the registry refuses the login's credentials.
        sendJson(res, 401, {
          message: `login attempt to https://${auth.serveraddress ?? ''}/v2/ failed with status: 401 Unauthorized`,
        });
        return;
      }
      sendJson(res, 200, { Status: 'Login Succeeded', IdentityToken: '' });
      return;
    }
    if (path === '/images/load' && req.method === 'POST') {
      // A real engine unpacks the archive; this one reads the images it names (manifest.json) and keeps nothing else.
      let tags: string[] = [];
      try {
        tags = (
          JSON.parse(tarMember(raw, 'manifest.json')?.toString('utf8') ?? '') as { RepoTags?: string[] }[]
        ).flatMap((m) => m.RepoTags ?? []);
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
      return;
    }
    sendJson(res, 404, { message: `fake-docker-engine does not implement ${req.method ?? ''} ${url.pathname}` });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(socketPath, () => {
      server.off('error', fail);
      done();
    });
  });

  let closed = false;
  return {
    socketPath,
    host: `unix://${socketPath}`,
    requests,
    pulls,
    logins,
    builds,
    loads,
    reset() {
      requests.length = 0;
      pulls.length = 0;
      logins.length = 0;
      builds.length = 0;
      loads.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
