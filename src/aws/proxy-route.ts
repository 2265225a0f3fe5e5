// Where a request through a proxy went, carried from the proxy agent (proxy-agent.ts) to the words for its
// failure (explain.ts) on the error itself, or on a response's headers: the SDK passes neither our own fields nor
// our own errors through untouched.

/** Where a request through a proxy went: set by proxy-agent.ts on the request's error (a non-enumerable property). */
export interface ProxyRoute {
  /** The proxy URL with any user and password replaced by `***`. */
  proxy: string;
  /** The environment variable it came from. */
  variable: string;
  /** `host:port` the proxy was asked to reach. */
  target: string;
  /** The proxy's answer to CONNECT, when it was not 200. */
  connectStatus?: number;
}

export const PROXY_ROUTE = Symbol.for('docker-credential-ecr.proxyRoute');
/** The same route on a response that came through the proxy (set on the incoming headers, never sent anywhere). */
export const PROXY_ROUTE_HEADER = 'x-docker-credential-ecr-proxy-route';

/** The route on an error or on one of its causes (four deep at most), or on the response it carries. */
export function proxyRouteOf(error: unknown): ProxyRoute | undefined {
  for (
    let e = error, depth = 0;
    typeof e === 'object' && e !== null && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const route = (e as Record<symbol, unknown>)[PROXY_ROUTE];
    if (route) return route as ProxyRoute;
    const header = (e as { $response?: { headers?: Record<string, unknown> } }).$response?.headers?.[
      PROXY_ROUTE_HEADER
    ];
    if (typeof header === 'string') {
      try {
        return JSON.parse(header) as ProxyRoute;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
