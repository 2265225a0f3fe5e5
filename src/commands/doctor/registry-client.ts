// The registry's side of a pull, as far as the manifest (no layer is fetched): GET /v2/ for the challenge, then the
// manifest with the token, through the proxy and CA settings the helper honours (HTTPS_PROXY/NO_PROXY,
// AWS_CA_BUNDLE) plus Docker's per-registry CA directory, /etc/docker/certs.d/HOST. The token goes to the registry
// host it was fetched for, over HTTPS only; a redirect to another host is followed without it.
import * as http from 'node:http';
import * as https from 'node:https';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { readRegularText } from '../../platform/read-file';
import { PROXY_VARIABLES, type Env } from '../../platform/settings';
import type { Logger } from '../../platform/log';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const MAX_BODY = 256 * 1024;
const CERTS_D = '/etc/docker/certs.d';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  url: string;
}

export interface ClientOptions {
  env: Env;
  caBundle: string | undefined;
  timeoutMs: number;
  log: Logger;
}

/** CA certificates: the system's, AWS_CA_BUNDLE's, and Docker's for this registry; the files that were read. */
function trustFor(host: string, caBundle: string | undefined): { ca: string[]; from: string[] } {
  const ca = [...rootCertificates];
  const from: string[] = [];
  const read = (file: string): void => {
    try {
      ca.push(readRegularText(file, { maxBytes: 1024 * 1024, followSymlinks: true }));
      from.push(file);
    } catch {
      // Unreadable: Docker's daemon may read it still; the message names what doctor trusted.
    }
  };
  if (caBundle) read(caBundle);
  try {
    const dir = join(CERTS_D, host);
    for (const name of readdirSync(dir)) if (name.endsWith('.crt')) read(join(dir, name));
  } catch {
    // No directory for this registry.
  }
  return { ca, from };
}

export interface RegistryClient {
  /** The CA files trusted besides the system's, for the report. */
  trusted: string[];
  get(url: string, headers: Record<string, string>): Promise<HttpAnswer>;
}

export function registryClient(host: string, options: ClientOptions): RegistryClient {
  const { ca, from } = trustFor(host, options.caBundle);
  const direct = {
    http: new http.Agent({ keepAlive: false }),
    https: new https.Agent({ keepAlive: false, rejectUnauthorized: true, ca }),
  };
  const usesProxy = PROXY_VARIABLES.some((name) => options.env[name]);
  const agent: http.Agent = usesProxy
    ? new (require('../../aws/proxy-agent') as typeof import('../../aws/proxy-agent')).EnvironmentProxyAgent(
        direct,
        ca.join('\n'),
      )
    : direct.https;
  const get = (url: string, headers: Record<string, string>): Promise<HttpAnswer> =>
    new Promise((done, fail) => {
      const target = new URL(url);
      if (target.protocol !== 'https:')
        return fail(
          Object.assign(new Error(`refusing ${target.protocol} (only HTTPS carries a token)`), { code: 'EPLAINHTTP' }),
        );
      options.log.debug(
        `registry: GET ${target.origin}${target.pathname}${headers.Authorization ? ' (with the token)' : ''}`,
      );
      const req = https.request(
        target,
        {
          method: 'GET',
          agent,
          headers: { 'User-Agent': 'docker-credential-ecr doctor', ...headers },
          timeout: options.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_BODY) chunks.push(chunk);
          });
          res.on('end', () => {
            options.log.debug(`registry: HTTP ${res.statusCode ?? 0} from ${target.host}`);
            done({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              url,
            });
          });
          res.on('error', fail);
        },
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      );
      req.on('error', fail);
      req.end();
    });
  return { trusted: from, get };
}

/**
 * GET `url` with `auth`, following up to three redirects: with the Authorization header only while the redirect
 * stays on the same origin, never to plain HTTP. `redirectedTo` names the last other origin, if any.
 */
export async function getFollowing(
  client: RegistryClient,
  url: string,
  auth: string | undefined,
  headers: Record<string, string>,
): Promise<HttpAnswer & { redirectedTo?: string }> {
  const origin = new URL(url).origin;
  let current = url;
  let redirectedTo: string | undefined;
  for (let hop = 0; ; hop++) {
    const sameOrigin = new URL(current).origin === origin;
    const answer = await client.get(current, { ...headers, ...(auth && sameOrigin ? { Authorization: auth } : {}) });
    const location = answer.headers.location;
    if (answer.status < 300 || answer.status >= 400 || typeof location !== 'string' || hop >= 3)
      return { ...answer, ...(redirectedTo ? { redirectedTo } : {}) };
    current = new URL(location, current).href;
    if (new URL(current).origin !== origin) redirectedTo = new URL(current).host;
  }
}
