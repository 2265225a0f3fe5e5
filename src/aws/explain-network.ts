// The words for a call that got no answer: a proxy refusing CONNECT, a connection refused or reset, a name that
// does not resolve, TLS failing (an inspecting proxy), no answer in time.
import type { ErrorLike, Explanation, Failure } from './failure';
import type { ProxyRoute } from './proxy-route';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
]);
const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL)/;

/** The proxy answered CONNECT with something other than 200: the request never reached AWS. */
export function proxyRefusal({ error, code, route, context }: Failure): Explanation | undefined {
  if (route?.connectStatus === undefined && code !== 'EPROXYCONNECT') return undefined;
  const target = route?.target ?? context.call.endpointHost ?? 'the endpoint';
  const status = route?.connectStatus ?? error.connectStatus;
  return {
    category: 'unreachable',
    cause: `the proxy ${route?.proxy ?? ''}${route ? ` (from ${route.variable})` : ''} refused to connect to ${target} (HTTP ${String(status)} to CONNECT): not an AWS answer`,
    hint: `have ${target.replace(/:443$/, '')} allowed through the proxy, or reach it directly by adding it to NO_PROXY`,
  };
}

export function networkFailure(failure: Failure): Explanation | undefined {
  const { error: e, name, code, message, route, via, api } = failure;
  const cause = e.cause as ErrorLike | undefined;
  const netCode = NETWORK_CODES.has(code)
    ? code
    : typeof cause?.code === 'string' && NETWORK_CODES.has(cause.code)
      ? cause.code
      : '';
  const reset =
    netCode === 'ECONNRESET' ||
    netCode === 'EPIPE' ||
    /socket hang up|socket is closed|connection (was )?reset/i.test(message);
  if (netCode || reset) {
    const host = hostOf(e, message, failure.context.call.endpointHost, route);
    const endpoint = `the ${api} endpoint${host ? ` ${host}` : ''}`;
    if (
      route &&
      (netCode === 'ECONNREFUSED' ||
        netCode === 'EHOSTUNREACH' ||
        ((netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN') && host === undefined))
    ) {
      return {
        category: 'unreachable',
        cause: `cannot connect to the proxy ${route.proxy} (from ${route.variable}) to reach ${endpoint} (${netCode})`,
        hint: `check ${route.variable}: is a proxy listening at ${route.proxy}?`,
      };
    }
    if (reset) {
      return {
        category: 'unreachable',
        cause: `the connection to ${endpoint}${via} was reset before an answer came`,
        hint: route
          ? `the proxy ${route.proxy} (${route.variable}) dropped it: check that it lets ${route.target} through`
          : 'a firewall or a proxy on the way dropped it: check the network',
      };
    }
    if (netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN') {
      return {
        category: 'unreachable',
        cause: `the host name ${host ?? 'of the endpoint'} does not resolve (${netCode}${netCode === 'EAI_AGAIN' ? ': DNS did not answer' : ''})`,
        hint: `check DNS on this machine${host && !/amazonaws|\.aws$|api\.aws/.test(host) ? ' and the endpoint override (AWS_ENDPOINT_URL_*)' : ''}; where only a proxy reaches the internet, set HTTPS_PROXY`,
      };
    }
    return {
      category: 'unreachable',
      cause: `cannot reach ${endpoint}${via} (${netCode})`,
      hint: route
        ? `check that the proxy ${route.proxy} (${route.variable}) reaches ${route.target}`
        : 'check the network; where only a proxy reaches the internet, set HTTPS_PROXY (and NO_PROXY for local hosts)',
    };
  }
  if (TLS_CODES.test(code) || TLS_CODES.test(typeof cause?.code === 'string' ? cause.code : '')) {
    const tlsCode = TLS_CODES.test(code) ? code : String(cause!.code);
    const host = hostOf(e, message, failure.context.call.endpointHost, route);
    const untrusted = /UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|CERT_UNTRUSTED|CERT_SIGNATURE/.test(tlsCode);
    return {
      category: 'unreachable',
      cause: `TLS to the ${api} endpoint${host ? ` ${host}` : ''}${via} failed (${tlsCode})${untrusted ? ': its certificate is signed by a CA this machine does not trust, as when a proxy inspects TLS' : ''}`,
      hint: untrusted
        ? "point AWS_CA_BUNDLE at the inspecting proxy's CA certificate (a PEM file)"
        : 'check the proxy or firewall between here and AWS',
    };
  }
  if (name === 'TimeoutError' || name === 'AbortError' || /timed? ?out|timeout/i.test(message)) {
    return {
      category: 'timeout',
      cause: `the ${api} did not answer in time`,
      hint: 'check the network or proxy; DOCKER_CREDENTIAL_ECR_TIMEOUT_MS raises the limit',
    };
  }
  return undefined;
}

/** The host a network error names: the proxy's target, the error's own hostname, its message, or the endpoint's. */
function hostOf(
  e: ErrorLike,
  message: string,
  endpointHost: string | undefined,
  route: ProxyRoute | undefined,
): string | undefined {
  if (route) return route.target.replace(/:443$/, '');
  const cause = e.cause as ErrorLike | undefined;
  for (const err of [e, cause]) {
    if (typeof err?.hostname === 'string') return err.hostname;
    // A refused or unreachable connection names the address it tried (Node and Bun alike).
    if (typeof err?.address === 'string')
      return typeof err.port === 'number' ? `${err.address}:${err.port}` : err.address;
  }
  const named = /(?:ENOTFOUND|EAI_AGAIN|getaddrinfo \S+)\s+([a-z0-9.-]+\.[a-z]{2,})/i.exec(message)?.[1];
  return named ?? endpointHost;
}
