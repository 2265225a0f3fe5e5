// Which registry a server URL names, and whether we serve it. Pure: no I/O, no AWS.
//
// Matching is anchored and strict on purpose: handing an ECR token to a look-alike host
// (`<ecr host>.evil.example`, `evil-<ecr host>`, a host with user info) would leak it.
import { CredentialsNotFoundError, MissingServerUrlError } from '../platform/errors';

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f' | 'aws-eusc';

export interface EcrRegistry {
  kind: 'ecr';
  host: string;
  account: string;
  region: string;
  partition: Partition;
  fips: boolean;
  dualstack: boolean;
}

export interface EcrPublicRegistry {
  kind: 'ecr-public';
  host: string;
  /** ECR Public's token API lives in us-east-1; AWS says to authenticate there. */
  region: 'us-east-1';
  partition: 'aws';
  fips: false;
  /** ecr-public.aws.com is the dual-stack twin of public.ecr.aws; both take the same token. */
  dualstack: boolean;
}

export type Registry = EcrRegistry | EcrPublicRegistry;

/** A server URL split into the parts a credential helper cares about. */
export interface ServerUrl {
  host: string;
  port?: number;
  scheme?: 'https' | 'http';
}

/** The longest server URL we look at; anything longer is not a registry address. */
export const MAX_SERVER_URL_LENGTH = 2048;

const DOMAINS: Record<string, { partition: Partition; dualstackOnly: boolean }> = {
  'amazonaws.com': { partition: 'aws', dualstackOnly: false },
  'amazonaws.com.cn': { partition: 'aws-cn', dualstackOnly: false },
  'amazonaws.eu': { partition: 'aws-eusc', dualstackOnly: false },
  'c2s.ic.gov': { partition: 'aws-iso', dualstackOnly: false },
  'sc2s.sgov.gov': { partition: 'aws-iso-b', dualstackOnly: false },
  'cloud.adc-e.uk': { partition: 'aws-iso-e', dualstackOnly: false },
  'csp.hci.ic.gov': { partition: 'aws-iso-f', dualstackOnly: false },
  'on.aws': { partition: 'aws', dualstackOnly: true },
  'on.amazonwebservices.com.cn': { partition: 'aws-cn', dualstackOnly: true },
};

/** The domain of a partition's private (IPv4) registry hosts; GovCloud shares amazonaws.com. */
export function registryDomain(partition: Partition): string {
  if (partition === 'aws-us-gov') return 'amazonaws.com';
  return Object.entries(DOMAINS).find(([, info]) => info.partition === partition && !info.dualstackOnly)?.[0] ?? 'amazonaws.com';
}

const PUBLIC_HOSTS: Record<string, boolean> = { 'public.ecr.aws': false, 'ecr-public.aws.com': true };

/**
 * Every host form registryForHost() serves, as globs in the kubelet's matchImages syntax (`*` is one DNS label):
 * `*.<service>.*.<domain>` for each domain and its services, and the public hosts. Derived from the same tables
 * as the parser, so the kubelet's config cannot drift from what we answer.
 */
export function servedHostPatterns(): string[] {
  const privateHosts = Object.entries(DOMAINS).flatMap(([domain, info]) =>
    (info.dualstackOnly ? ['dkr-ecr', 'dkr-ecr-fips'] : ['dkr.ecr', 'dkr.ecr-fips']).map((service) => `*.${service}.*.${domain}`),
  );
  return [...privateHosts, ...Object.keys(PUBLIC_HOSTS)];
}

// <12-digit account>.<dkr.ecr | dkr.ecr-fips | dkr-ecr | dkr-ecr-fips>.<region>.<domain>, nothing before or after.
const PRIVATE_HOST =
  /^(\d{12})\.(dkr\.ecr|dkr\.ecr-fips|dkr-ecr|dkr-ecr-fips)\.([a-z]{2,4}(?:-[a-z]+)+-\d{1,2})\.([a-z0-9.-]+)$/;

/**
 * Parses what Docker sends on stdin: a bare `host`, `host:port`, or a URL with a scheme and a path.
 * Throws CredentialsNotFoundError for anything that is not a plain, well-formed host address.
 */
export function parseServerUrl(input: string): ServerUrl {
  // Docker sends no trailing newline; people piping by hand do. Nothing else is trimmed.
  const text = input.replace(/\r?\n$/, '');
  if (text.length === 0) throw new MissingServerUrlError();
  if (text.length > MAX_SERVER_URL_LENGTH) throw new CredentialsNotFoundError('server URL is too long');
  // Printable ASCII only: rejects NUL, control characters, invalid UTF-8 (decoded to U+FFFD) and
  // Unicode look-alikes of ECR host names before any parsing happens.
  if (!/^[\x21-\x7e]+$/.test(text)) throw new CredentialsNotFoundError('server URL has characters a host name cannot have');

  let rest = text;
  let scheme: ServerUrl['scheme'];
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest);
  if (schemeMatch) {
    const name = schemeMatch[1]!.toLowerCase();
    if (name !== 'https' && name !== 'http') throw new CredentialsNotFoundError(`unsupported scheme ${name}`);
    scheme = name;
    rest = rest.slice(schemeMatch[0].length);
  }
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const path = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  if (authority.includes('@')) throw new CredentialsNotFoundError('server URL has user info');
  if (/(^|\/)\.\.?(\/|$)|\\|%/.test(path)) throw new CredentialsNotFoundError('server URL path is not plain');

  const hostPort = /^([a-zA-Z0-9.-]+)(?::(\d{1,5}))?$/.exec(authority);
  if (!hostPort) throw new CredentialsNotFoundError('server URL has no valid host');
  const host = hostPort[1]!.toLowerCase().replace(/\.$/, '');
  const port = hostPort[2] === undefined ? undefined : Number(hostPort[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new CredentialsNotFoundError('port out of range');
  if (host.length > 253 || !host.split('.').every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label))) {
    throw new CredentialsNotFoundError('host name is not a valid DNS name');
  }
  return { host, ...(port === undefined ? {} : { port }), ...(scheme === undefined ? {} : { scheme }) };
}

/** The registry an ECR or ECR Public host names, or undefined when the host is not one of them. */
export function registryForHost(host: string): Registry | undefined {
  const publicDualstack = PUBLIC_HOSTS[host];
  if (publicDualstack !== undefined) {
    return { kind: 'ecr-public', host, region: 'us-east-1', partition: 'aws', fips: false, dualstack: publicDualstack };
  }
  const match = PRIVATE_HOST.exec(host);
  if (!match) return undefined;
  const [, account, service, region, domain] = match as unknown as [string, string, string, string, string];
  const domainInfo = DOMAINS[domain];
  if (!domainInfo) return undefined;
  const dualstack = service.startsWith('dkr-ecr');
  if (dualstack !== domainInfo.dualstackOnly) return undefined;
  let partition = domainInfo.partition;
  if (partition === 'aws' && region.startsWith('us-gov-')) partition = 'aws-us-gov';
  // A China region is only reachable under a China domain, and the other way round.
  if ((partition === 'aws-cn') !== region.startsWith('cn-')) return undefined;
  return { kind: 'ecr', host, account, region, partition, fips: service.endsWith('-fips'), dualstack };
}

/** parseServerUrl + registryForHost, for `get`: plain http is refused so a token never travels in clear. */
export function registryForServerUrl(input: string): Registry {
  const url = parseServerUrl(input);
  if (url.scheme === 'http') throw new CredentialsNotFoundError('plain http would expose the token');
  const registry = registryForHost(url.host);
  if (!registry) throw new CredentialsNotFoundError(`${url.host} is not an ECR registry`);
  return registry;
}
