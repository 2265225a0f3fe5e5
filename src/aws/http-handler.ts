// The HTTP handler every AWS client of ours uses. The SDK ignores HTTPS_PROXY/HTTP_PROXY/NO_PROXY and
// AWS_CA_BUNDLE by itself; every other tool on a machine honours them, so we do too, through an agent.
import { readRegularText } from '../platform/read-file';
import * as http from 'node:http';
import * as https from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { PROXY_VARIABLES, type Env } from '../platform/settings';
import type * as ProxyAgent from './proxy-agent';

export interface HttpOptions {
  env: Env;
  caBundle: string | undefined;
  /** Bound on one attempt; the caller bounds the whole fetch, retries included. */
  requestTimeoutMs: number;
}

export function createHttpHandler(options: HttpOptions): NodeHttpHandler {
  let ca: string | undefined;
  if (options.caBundle) {
    try {
      // Bounded and never blocking (a FIFO or /dev/zero behind the name); 16 MiB is far above any CA bundle.
      ca = readRegularText(options.caBundle, { maxBytes: 16 * 1024 * 1024, followSymlinks: true });
    } catch (error) {
      // Named so explain.ts can tell it apart: a setting to fix, not an AWS failure.
      throw Object.assign(
        new Error(
          `AWS_CA_BUNDLE ${options.caBundle} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        ),
        { name: 'CaBundleError' },
      );
    }
  }
  // rejectUnauthorized is explicit: TLS is verified whatever NODE_TLS_REJECT_UNAUTHORIZED says.
  const direct = {
    http: new http.Agent({ keepAlive: false }),
    https: new https.Agent({ keepAlive: false, rejectUnauthorized: true, ...(ca ? { ca } : {}) }),
  };
  const usesProxy = PROXY_VARIABLES.some((name) => options.env[name]);
  // Required only when a proxy is configured: the proxy agents and what they load (debug, assert, tty, ...) cost
  // a few milliseconds on every token fetch otherwise.
  const agent = usesProxy
    ? new (require('./proxy-agent') as typeof ProxyAgent).EnvironmentProxyAgent(direct, ca)
    : undefined;
  return new NodeHttpHandler({
    connectionTimeout: Math.min(5_000, options.requestTimeoutMs),
    requestTimeout: options.requestTimeoutMs,
    // Without this the handler only logs a warning when requestTimeout passes, and keeps waiting.
    throwOnRequestTimeout: true,
    httpAgent: agent ?? direct.http,
    httpsAgent: agent ?? direct.https,
  });
}
