// A static HTTPS site on port 443 of a loopback address, for clients that must fetch a documented https:// URL
// as written (curl, apt in a Debian root whose /etc/hosts names that address). Port 443 because the URL has no
// port; a random address in 127.0.0.0/8 rather than 127.0.0.1 because other test processes on this machine may hold
// 127.0.0.1:443 at the same moment (Linux answers on the whole /8 through lo).
import { randomInt } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import * as https from 'node:https';
import { join, normalize, sep } from 'node:path';
import type { LeafCert } from './tls';

export interface HttpsSite {
  /** The loopback address it listens on, port 443. */
  address: string;
  /** "METHOD https://host/path STATUS" of each request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves dir/<host>/<path> for https://<host>/<path> (GET and HEAD; anything else, or a missing file, is 404): one
 * server for every host the leaf certificate names.
 */
export async function startHttpsSite(dir: string, leaf: LeafCert): Promise<HttpsSite> {
  const requests: string[] = [];
  const server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:443$/, '');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'https://site').pathname);
    const file = normalize(join(dir, host, path));
    let size = -1;
    try {
      if (file.startsWith(dir + sep) && (req.method === 'GET' || req.method === 'HEAD')) {
        const st = statSync(file);
        if (st.isFile()) size = st.size;
      }
    } catch {
      // Missing: answered 404 below, as Pages does.
    }
    requests.push(`${req.method ?? ''} https://${host}${path} ${size < 0 ? 404 : 200}`);
    if (size < 0) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 Not Found\n');
      return;
    }
    res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  let address = '';
  for (let attempt = 0; !address; attempt++) {
    const candidate = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    try {
      await new Promise<void>((done, fail) => {
        server.once('error', fail);
        server.listen(443, candidate, () => {
          server.off('error', fail);
          done();
        });
      });
      address = candidate;
    } catch (error) {
      if (attempt >= 20 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  return { address, requests, close: () => new Promise<void>((done) => server.close(() => done())) };
}
