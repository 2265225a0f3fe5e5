// The fake's port is also an HTTP proxy. CONNECT tunnels are TLS-terminated in process with a certificate for
// the requested host (signed by the fake's CA), so a client using HTTPS_PROXY and trusting that CA reaches the
// fake under the real AWS host names. route() turns a tunnel (or a plain-HTTP proxy request) into a pipe to a
// local port instead, e.g. a registry under an ECR host name; connectFault() makes the proxy refuse or drop one.
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Tunnel } from './api-requests';
import type { ConnectFault } from './faults';
import type { Lifecycle } from './lifecycle';
import { makeLeaf, type CaFiles } from '../tls';

export interface ProxyDeps {
  ca: CaFiles;
  /** Where the leaf certificates go. */
  certDir: string;
  connects: string[];
  proxyRequests: string[];
  lifecycle: Lifecycle;
  handleApi(req: http.IncomingMessage, res: http.ServerResponse, tunnel: Tunnel): Promise<void>;
}

export interface Proxy {
  /** The server's 'connect' event. */
  connect(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void;
  /** A request with an absolute URI (HTTP_PROXY). */
  forward(req: http.IncomingMessage, res: http.ServerResponse): void;
  route(target: string, port: number): void;
  connectFault(host: string, fault: ConnectFault): void;
  clearConnectFaults(): void;
}

export function createProxy(deps: ProxyDeps): Proxy {
  const { lifecycle, handleApi } = deps;
  const routes = new Map<string, number>();
  const connectFaults = new Map<string, ConnectFault>();
  const contexts = new Map<string, tls.SecureContext>();
  const tunnels = new WeakMap<net.Socket, Tunnel>();

  function secureContextFor(host: string): tls.SecureContext {
    let ctx = contexts.get(host);
    if (!ctx) {
      const leaf = makeLeaf(deps.ca, deps.certDir, [host]);
      ctx = tls.createSecureContext({ cert: leaf.cert, key: leaf.key });
      contexts.set(host, ctx);
    }
    return ctx;
  }

  // Requests arriving inside CONNECT tunnels are handed to this unbound server.
  const tunnelServer = http.createServer((req, res) => {
    const tunnel = tunnels.get(req.socket) ?? { viaProxy: true };
    void handleApi(req, res, tunnel).catch(() => res.destroy());
  });
  tunnelServer.on('clientError', (_err, socket) => socket.destroy());

  function pipeTo(port: number, socket: net.Socket, head: Buffer): void {
    const upstream = net.connect(port, '127.0.0.1');
    lifecycle.track(upstream);
    upstream.once('error', () => {
      if (socket.writable) socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
    });
    upstream.once('connect', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    socket.once('close', () => upstream.destroy());
  }

  function terminate(target: string, socket: net.Socket, head: Buffer): void {
    const hostMatch = target.match(/^\[?([^\]]*?)\]?:\d+$/);
    const host = hostMatch?.[1] ?? target;
    let context: tls.SecureContext;
    try {
      context = secureContextFor(host);
    } catch {
      socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    // Clients wait for the 200 before starting TLS, so head is empty in practice.
    if (head.length) socket.unshift(head);
    const tlsSocket = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: context,
      // A certificate for the SNI name if it differs from the CONNECT host (it normally does not).
      SNICallback: (servername, cb) => {
        try {
          cb(null, secureContextFor(servername));
        } catch (err) {
          cb(err as Error);
        }
      },
    });
    lifecycle.track(tlsSocket);
    tunnels.set(tlsSocket, { viaProxy: true, connectTarget: target });
    tunnelServer.emit('connection', tlsSocket);
  }

  return {
    connect(req, socket, head) {
      const target = req.url ?? '';
      deps.connects.push(target);
      const connectFault = connectFaults.get(target.replace(/:\d+$/, ''));
      if (connectFault === 'refuse') {
        socket.end(
          'HTTP/1.1 403 Forbidden\r\ncontent-type: text/html\r\ncontent-length: 45\r\n\r\n<html><body>Blocked by policy</body></html>\r\n',
        );
        return;
      }
      if (connectFault === 'reset') {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        socket.resetAndDestroy();
        return;
      }
      const routedPort = routes.get(target);
      if (routedPort !== undefined) pipeTo(routedPort, socket, head);
      else terminate(target, socket, head);
    },
    forward(req, res) {
      const url = new URL(req.url ?? '');
      deps.proxyRequests.push(url.href);
      const port = routes.get(`${url.hostname}:${url.port || '80'}`);
      if (port === undefined) {
        void handleApi(req, res, { viaProxy: true }).catch(() => res.destroy());
        return;
      }
      const headers = { ...req.headers };
      delete headers['proxy-connection'];
      delete headers['proxy-authorization'];
      const upstream = http.request(
        { host: '127.0.0.1', port, method: req.method, path: url.pathname + url.search, headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    },
    route: (target, port) => void routes.set(target, port),
    connectFault: (host, fault) => void connectFaults.set(host, fault),
    clearConnectFaults: () => connectFaults.clear(),
  };
}
