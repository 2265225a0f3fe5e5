// A fake Docker Engine API on a unix socket, just enough for the real docker CLI's `pull`, `login`, `logout` and
// `load` (DOCKER_HOST=unix://<socketPath>). No engine runs on the test machines; this is what lets the
// docker CLI itself run its credential-helper code against the built helper. It records the
// X-Registry-Auth header of each pull (the credentials the CLI got from the helper) and the body of
// each /auth call, decoded.
// The protocol's types and answers are in fake-docker-engine/protocol.ts, what it does with images in
// fake-docker-engine/images.ts.
import * as http from 'node:http';
import type * as net from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeShortDir } from './temp';
import { answerBuild, answerLoad, answerPull } from './fake-docker-engine/images';
import {
  ENGINE_API_VERSION,
  ENGINE_MIN_API_VERSION,
  engineHeaders,
  readBody,
  sendJson,
  type EngineOptions,
  type EngineRequest,
  type PullRecord,
  type RegistryAuth,
} from './fake-docker-engine/protocol';

export {
  decodeRegistryAuth,
  ENGINE_API_VERSION,
  ENGINE_MIN_API_VERSION,
  type EngineOptions,
  type EngineRequest,
  type PullRecord,
  type RegistryAuth,
} from './fake-docker-engine/protocol';

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
      await answerPull(url, req, res, pulls, opts.authorize);
      return;
    }
    if (path === '/build' && req.method === 'POST') {
      answerBuild(req, res, builds);
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
      answerLoad(raw, res, loads);
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
