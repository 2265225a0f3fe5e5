// The Docker Engine API as the fake speaks it (../fake-docker-engine.ts): the records it keeps of what the CLI
// sent, the options that decide its answers, and the headers and JSON a real engine answers with.
import type * as http from 'node:http';

/** What docker 28.2 speaks; the CLI negotiates down to the Api-Version the ping answers with. */
export const ENGINE_API_VERSION = '1.50';
export const ENGINE_MIN_API_VERSION = '1.24';

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

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

export function engineHeaders(extra: http.OutgoingHttpHeaders = {}): http.OutgoingHttpHeaders {
  return {
    'api-version': ENGINE_API_VERSION,
    'docker-experimental': 'false',
    ostype: 'linux',
    server: 'Docker/28.2.2 (linux)',
    ...extra,
  };
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(
    status,
    engineHeaders({ 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
  );
  res.end(body);
}
