// Which registry a server URL names, and whether we serve it. Pure: no I/O, no AWS.
//
// Matching is anchored and strict on purpose: handing an ECR token to a look-alike host
// (`<ecr host>.evil.example`, `evil-<ecr host>`, a host with user info) would leak it.
import { CredentialsNotFoundError, MissingServerUrlError } from '../platform/errors';
// The SDK's own partition table (each partition's DNS suffixes, region pattern and regions): data only, no SDK
// code, so the cache-hit path can use it. Imported by path because @aws-sdk/core exports it from no entry point.
// @ts-expect-error -- the SDK ships this file's types under dist-types/, where a relative import does not look.
import { partitionsInfo as sdkPartitions } from '../../node_modules/@aws-sdk/core/dist-es/submodules/client/util-endpoints/lib/aws/partitions.js';

export type Partition =
  'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f' | 'aws-eusc';

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

interface SdkPartition {
  id: string;
  outputs: { dnsSuffix: string; dualStackDnsSuffix: string };
  regionRegex: string;
  regions: Record<string, unknown>;
}
const PARTITIONS = (sdkPartitions as { partitions: SdkPartition[] }).partitions.map((p) => ({
  ...p,
  id: p.id as Partition,
  regionPattern: new RegExp(p.regionRegex),
}));

/** The partition a region belongs to, by the SDK's rules: its region list first, then its region pattern. */
export function partitionOfRegion(region: string): Partition | undefined {
  return (
    PARTITIONS.find((p) => Object.hasOwn(p.regions, region)) ?? PARTITIONS.find((p) => p.regionPattern.test(region))
  )?.id;
}

/** Every region the SDK's partition table names (those matching their partition's pattern), in table order. */
export function knownRegions(): string[] {
  return PARTITIONS.flatMap((p) => Object.keys(p.regions).filter((region) => p.regionPattern.test(region)));
}

/**
 * The domains of registry hosts (FACTS: ECR's documented host names), each with the partitions whose endpoints
 * live there, taken from the SDK: a domain serves the partitions whose DNS suffix it is (dual-stack registries:
 * whose dual-stack suffix is api.<the rest>). GovCloud shares amazonaws.com and on.aws with the commercial partition.
 */
const REGISTRY_DOMAINS: Array<{ domain: string; dualstackOnly: boolean }> = [
  { domain: 'amazonaws.com', dualstackOnly: false },
  { domain: 'amazonaws.com.cn', dualstackOnly: false },
  { domain: 'amazonaws.eu', dualstackOnly: false },
  { domain: 'c2s.ic.gov', dualstackOnly: false },
  { domain: 'sc2s.sgov.gov', dualstackOnly: false },
  { domain: 'cloud.adc-e.uk', dualstackOnly: false },
  { domain: 'csp.hci.ic.gov', dualstackOnly: false },
  { domain: 'on.aws', dualstackOnly: true },
  { domain: 'on.amazonwebservices.com.cn', dualstackOnly: true },
];
const DOMAINS: Record<string, { partitions: Partition[]; dualstackOnly: boolean }> = Object.fromEntries(
  REGISTRY_DOMAINS.map(({ domain, dualstackOnly }) => [
    domain,
    {
      dualstackOnly,
      partitions: PARTITIONS.filter((p) =>
        dualstackOnly
          ? p.outputs.dualStackDnsSuffix === `api.${domain.slice('on.'.length)}`
          : p.outputs.dnsSuffix === domain,
      ).map((p) => p.id),
    },
  ]),
);

/** The domain of a partition's private (IPv4) registry hosts; GovCloud shares amazonaws.com. */
export function registryDomain(partition: Partition): string {
  return (
    Object.entries(DOMAINS).find(([, info]) => info.partitions.includes(partition) && !info.dualstackOnly)?.[0] ??
    'amazonaws.com'
  );
}

const PUBLIC_HOSTS: Record<string, boolean> = { 'public.ecr.aws': false, 'ecr-public.aws.com': true };

/**
 * Every host form registryForHost() serves, as globs in the kubelet's matchImages syntax (`*` is one DNS label):
 * `*.<service>.*.<domain>` for each domain and its services, and the public hosts. Derived from the same tables
 * as the parser, so the kubelet's config cannot drift from what we answer.
 */
export function servedHostPatterns(): string[] {
  const privateHosts = Object.entries(DOMAINS).flatMap(([domain, info]) =>
    (info.dualstackOnly ? ['dkr-ecr', 'dkr-ecr-fips'] : ['dkr.ecr', 'dkr.ecr-fips']).map(
      (service) => `*.${service}.*.${domain}`,
    ),
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
  if (!/^[\x21-\x7e]+$/.test(text))
    throw new CredentialsNotFoundError('server URL has characters a host name cannot have');

  let rest = text;
  let scheme: ServerUrl['scheme'];
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest);
  if (schemeMatch) {
    const name = schemeMatch[1].toLowerCase();
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
  const host = hostPort[1].toLowerCase().replace(/\.$/, '');
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
  // A host whose region is not of its domain's partition is not ECR: us-east-1 under c2s.ic.gov, an eusc- region
  // under amazonaws.com. Serving it would send the token to an endpoint of another partition.
  const partition = partitionOfRegion(region);
  if (!partition || !domainInfo.partitions.includes(partition)) return undefined;
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
