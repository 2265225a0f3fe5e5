// The HTTP handler every AWS client of ours uses. The SDK ignores HTTPS_PROXY/HTTP_PROXY/NO_PROXY and
// AWS_CA_BUNDLE by itself; every other tool on a machine honours them, so we do too, through an agent.
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { HttpProxyAgent } from 'http-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Env } from '../config';

export interface HttpOptions {
  env: Env;
  caBundle: string | undefined;
  /** Bound on one attempt; the caller bounds the whole fetch, retries included. */
  requestTimeoutMs: number;
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'https_proxy', 'http_proxy', 'all_proxy'];

/** Picks, per request, a proxy (as curl would, from the environment) or a direct connection. */
class EnvironmentProxyAgent extends Agent {
  private readonly proxied = new Map<string, http.Agent>();

  constructor(
    private readonly direct: { http: http.Agent; https: https.Agent },
    private readonly ca: string | undefined,
  ) {
    // The CA must ride on this agent's own options: they are merged into every request's options, which is
    // where HttpsProxyAgent takes the TLS settings for the target (its constructor options reach only the proxy).
    super({ keepAlive: false, ...(ca ? { ca } : {}) });
  }

  override connect(_req: http.ClientRequest, options: AgentConnectOpts): http.Agent {
    const url = `${options.secureEndpoint ? 'https' : 'http'}://${options.host}:${options.port}/`;
    const proxy = getProxyForUrl(url);
    if (!proxy) return options.secureEndpoint ? this.direct.https : this.direct.http;
    const cacheKey = `${options.secureEndpoint}|${proxy}`;
    let agent = this.proxied.get(cacheKey);
    if (!agent) {
      agent = options.secureEndpoint ? new HttpsProxyAgent(proxy, this.ca ? { ca: this.ca } : {}) : new HttpProxyAgent(proxy);
      this.proxied.set(cacheKey, agent);
    }
    return agent;
  }
}

export function createHttpHandler(options: HttpOptions): NodeHttpHandler {
  let ca: string | undefined;
  if (options.caBundle) {
    try {
      ca = readFileSync(options.caBundle, 'utf8');
    } catch (error) {
      throw new Error(`cannot read AWS_CA_BUNDLE ${options.caBundle} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const direct = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false, ...(ca ? { ca } : {}) }) };
  const usesProxy = PROXY_VARIABLES.some((name) => options.env[name]);
  const agent = usesProxy ? new EnvironmentProxyAgent(direct, ca) : undefined;
  return new NodeHttpHandler({
    connectionTimeout: Math.min(5_000, options.requestTimeoutMs),
    requestTimeout: options.requestTimeoutMs,
    // Without this the handler only logs a warning when requestTimeout passes, and keeps waiting.
    throwOnRequestTimeout: true,
    httpAgent: agent ?? direct.http,
    httpsAgent: agent ?? direct.https,
  });
}
