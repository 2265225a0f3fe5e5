// The agent behind HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY for http-handler.ts, which loads this module only
// when one of those variables is set.
import type * as http from 'node:http';
import type * as https from 'node:https';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { HttpProxyAgent } from 'http-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';

/** Picks, per request, a proxy (as curl would, from the environment) or a direct connection. */
export class EnvironmentProxyAgent extends Agent {
  private readonly proxied = new Map<string, http.Agent>();

  constructor(
    private readonly direct: { http: http.Agent; https: https.Agent },
    private readonly ca: string | undefined,
  ) {
    // The CA must ride on this agent's own options: they are merged into every request's options, which is
    // where HttpsProxyAgent takes the TLS settings for the target (its constructor options reach only the proxy).
    // rejectUnauthorized is explicit: TLS is verified whatever NODE_TLS_REJECT_UNAUTHORIZED says.
    const tls = { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
    super({ keepAlive: false, ...tls });
  }

  override connect(_req: http.ClientRequest, options: AgentConnectOpts): http.Agent {
    const url = `${options.secureEndpoint ? 'https' : 'http'}://${options.host}:${options.port}/`;
    const proxy = getProxyForUrl(url);
    if (!proxy) return options.secureEndpoint ? this.direct.https : this.direct.http;
    const cacheKey = `${options.secureEndpoint}|${proxy}`;
    let agent = this.proxied.get(cacheKey);
    if (!agent) {
      agent = options.secureEndpoint ? new HttpsProxyAgent(proxy, { rejectUnauthorized: true, ...(this.ca ? { ca: this.ca } : {}) }) : new HttpProxyAgent(proxy);
      this.proxied.set(cacheKey, agent);
    }
    return agent;
  }
}
