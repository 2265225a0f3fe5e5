// The agent behind HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY for http-handler.ts, which loads this module only
// when one of those variables is set. A failure through a proxy names the proxy (credentials masked), the variable
// that set it and the host it was asked for: "cannot reach the endpoint" alone sends people to the wrong place.
import type * as http from 'node:http';
import type * as https from 'node:https';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { HttpProxyAgent } from 'http-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { PROXY_ROUTE, PROXY_ROUTE_HEADER, type ProxyRoute } from './proxy-route';

function masked(proxy: string): string {
  try {
    const url = new URL(proxy);
    if (url.username || url.password) {
      url.username = '***';
      url.password = '';
    }
    return url.href.replace(/\/$/, '');
  } catch {
    return '(a proxy URL that does not parse)';
  }
}

function variableFor(proxy: string, secure: boolean, env: NodeJS.ProcessEnv): string {
  const names = [...(secure ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']), 'all_proxy', 'ALL_PROXY'];
  return names.find((name) => env[name] === proxy) ?? names.find((name) => env[name]) ?? 'a proxy variable';
}

/** The proxy's refusal of a CONNECT, as an error of its own: otherwise its page would be read as the service's answer. */
class ConnectRefusingProxyAgent extends HttpsProxyAgent<string> {
  override async connect(req: http.ClientRequest, opts: AgentConnectOpts): Promise<import('node:net').Socket> {
    let status: number | undefined;
    req.once('proxyConnect', (connect: { statusCode: number }) => {
      status = connect.statusCode;
    });
    const socket = await super.connect(req, opts);
    if (status !== undefined && status !== 200) {
      socket.destroy();
      throw Object.assign(new Error(`the proxy answered CONNECT ${opts.host}:${opts.port} with HTTP ${status}`), {
        code: 'EPROXYCONNECT',
        connectStatus: status,
      });
    }
    return socket;
  }
}

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

  override connect(req: http.ClientRequest, options: AgentConnectOpts): http.Agent {
    const url = `${options.secureEndpoint ? 'https' : 'http'}://${options.host}:${options.port}/`;
    const proxy = getProxyForUrl(url);
    if (!proxy) return options.secureEndpoint ? this.direct.https : this.direct.http;
    const route: ProxyRoute = {
      proxy: masked(proxy),
      variable: variableFor(proxy, options.secureEndpoint, process.env),
      target: `${options.host}:${options.port}`,
    };
    // Whatever fails on this request (the proxy refusing the connection or the CONNECT, a reset, TLS) carries the route.
    req.once('error', (error: Error & { connectStatus?: number }) => {
      if (typeof error === 'object' && error !== null) {
        Object.defineProperty(error, PROXY_ROUTE, {
          value: { ...route, ...(error.connectStatus ? { connectStatus: error.connectStatus } : {}) },
          enumerable: false,
        });
      }
    });
    // An answer through the proxy that is not the service's (a refusal page) carries the route too, in a header
    // only this process sees: the SDK keeps the response's headers on the error it makes of it.
    req.prependOnceListener('response', (res: http.IncomingMessage) => {
      res.headers[PROXY_ROUTE_HEADER] = JSON.stringify(route);
    });
    const cacheKey = `${options.secureEndpoint}|${proxy}`;
    let agent = this.proxied.get(cacheKey);
    if (!agent) {
      agent = options.secureEndpoint
        ? new ConnectRefusingProxyAgent(proxy, { rejectUnauthorized: true, ...(this.ca ? { ca: this.ca } : {}) })
        : new HttpProxyAgent(proxy);
      this.proxied.set(cacheKey, agent);
    }
    return agent;
  }
}
