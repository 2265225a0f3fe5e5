// What close() must end: every socket the fake holds (client connections, tunnels, routed upstreams) and every
// pending 'slow' delay, so a test's hung request fails at once instead of keeping the process alive.
import type * as net from 'node:net';

export interface Lifecycle {
  /** Destroyed on close(); its errors are swallowed, as clients hang up mid-answer in the fault tests. */
  track(socket: net.Socket): void;
  /** Resolves after ms, or never once closed (callers check closed after it). */
  delay(ms: number): Promise<void>;
  readonly closed: boolean;
  /** Marks the fake closed and ends the sockets and delays; false when it already was. */
  close(): boolean;
}

export function createLifecycle(): Lifecycle {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  return {
    track(socket) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // Clients hang up mid-answer in the fault tests; that must not crash the test process.
      socket.on('error', () => socket.destroy());
    },
    delay(ms) {
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, ms);
        timers.add(t);
      });
    },
    get closed() {
      return closed;
    },
    close() {
      if (closed) return false;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      return true;
    },
  };
}
