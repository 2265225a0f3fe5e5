// A TCP listener on 127.0.0.1 that accepts connections and never answers: the endpoint for timing
// tests (a firewall that lets the SYN through, an IMDS or container-credentials agent that hangs, a
// proxy that never replies to CONNECT). Unlike the fake AWS 'hang' fault no HTTP is spoken at all,
// so a TLS client hangs in the handshake and an HTTP client waits for a status line that never comes.
// Whatever arrives is read and dropped, so a client's writes never block.
import * as net from 'node:net';

export interface BlackHole {
  /** http://127.0.0.1:<port> (use https:// for a client that should hang in the TLS handshake). */
  url: string;
  host: string;
  port: number;
  /** Connections accepted since start (or the last reset()). */
  readonly connections: number;
  /** Bytes received and dropped since start (or the last reset()). */
  readonly bytesReceived: number;
  /** Connections still held open. */
  readonly open: number;
  /** Zeroes the counters; held connections stay held. */
  reset(): void;
  /** Destroys the held connections (their clients see ECONNRESET) and stops listening. */
  close(): Promise<void>;
}

export async function startBlackHole(opts: { port?: number } = {}): Promise<BlackHole> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let bytesReceived = 0;
  let closed = false;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      bytesReceived += chunk.length;
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    get connections() {
      return connections;
    },
    get bytesReceived() {
      return bytesReceived;
    },
    get open() {
      return sockets.size;
    },
    reset() {
      connections = 0;
      bytesReceived = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
