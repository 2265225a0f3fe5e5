// doctor --kubelet: whether a provider's matchImages send the kubelet to this helper for every ECR host form this
// node can pull from (and for the config file's custom hosts), and match nothing we do not serve.
import { imageMatches } from '../../kubelet/image-match';
import { customHostPatterns } from '../kubelet-config';
import { loadRegistryConfig } from '../../registry/config-file';
import {
  knownRegions,
  partitionOfRegion,
  registryForHost,
  servedHostPatterns,
  type Partition,
} from '../../registry/host';
import type { Settings } from '../../platform/settings';
import type { Check } from '../command-io';

const SAMPLE_REGIONS = [
  'us-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'eusc-de-east-1',
  'us-iso-east-1',
  'us-isob-east-1',
  'eu-isoe-west-1',
  'us-isof-south-1',
];

/** One sample host per host form we serve (each checked to be one we really serve), for coverage checks. */
export function sampleHosts(): { pattern: string; host: string }[] {
  return servedHostPatterns().map((pattern) => {
    // A region of the pattern's own partition: us-east-1 is not served under c2s.ic.gov or amazonaws.eu.
    const host = SAMPLE_REGIONS.map((region) => {
      let n = 0;
      return pattern.replace(/\*/g, () => (n++ === 0 && pattern.startsWith('*.') ? '123456789012' : region));
    }).find((candidate) => registryForHost(candidate));
    if (!host) throw new Error(`internal: no sample host for ${pattern} is served`);
    return { pattern, host };
  });
}

/** The partition a region belongs to (the SDK's table); commercial for a name it does not know. */
export function regionPartition(region: string): Partition {
  return partitionOfRegion(region) ?? 'aws';
}

interface FormSamples {
  pattern: string;
  partition: Partition;
  /** One host per region of that partition the form exists in. */
  hosts: { region: string; host: string }[];
}

/**
 * Every host form we serve, per partition, with a sample host in every region of that partition: a pattern such
 * as `*.dkr.ecr.us-iso-east-1.c2s.ic.gov` covers one region of a form, not none.
 */
export function formSamples(): FormSamples[] {
  const groups = new Map<string, FormSamples>();
  for (const pattern of servedHostPatterns()) {
    if (!pattern.includes('*')) {
      groups.set(pattern, { pattern, partition: 'aws', hosts: [{ region: 'us-east-1', host: pattern }] });
      continue;
    }
    for (const region of knownRegions()) {
      let n = 0;
      const host = pattern.replace(/\*/g, () => (n++ === 0 ? '123456789012' : region));
      const registry = registryForHost(host);
      if (!registry) continue;
      const key = `${pattern}|${registry.partition}`;
      const group = groups.get(key) ?? { pattern, partition: registry.partition, hosts: [] };
      group.hosts.push({ region, host });
      groups.set(key, group);
    }
  }
  return [...groups.values()];
}

export interface CustomHost {
  pattern: string;
  host: string;
}

/** A sample host for each custom pattern of the helper's config file (`*` stands for one label). */
export function customHostSamples(settings: Settings): CustomHost[] {
  let config;
  try {
    config = loadRegistryConfig(settings);
  } catch {
    config = undefined; // `doctor` without --kubelet reports a broken config file.
  }
  return customHostPatterns(config).map((pattern) => ({ pattern, host: pattern.replace(/\*/g, 'x') }));
}

/**
 * Coverage judged by what this node can pull: its identity's tokens work in its own partition only, so a form of
 * another partition left out of matchImages costs nothing. A missing form of its own partition is a failure for
 * the plain private host (every pull of it goes anonymous) and a warning for FIPS, dual-stack and public hosts.
 */
export function matchImagesChecks(
  id: string,
  matchImages: readonly string[],
  node: { region: string; source: string } | undefined,
  custom: readonly CustomHost[],
): Check[] {
  const checks: Check[] = [];
  const partition = node ? regionPartition(node.region) : 'aws';
  const where = node
    ? `this node's partition ${partition} (region ${node.region} from ${node.source})`
    : `partition aws (no region is set: AWS_REGION; judged as a commercial-region node)`;
  const forms = formSamples();
  const covered = (host: string): boolean => matchImages.some((m) => imageMatches(m, `${host}/repo`));
  const own = forms.filter((f) => f.partition === partition);
  const gaps = own
    .map((f) => ({ ...f, missing: f.hosts.filter((h) => !covered(h.host)) }))
    .filter((f) => f.missing.length > 0);
  const describe = (f: (typeof gaps)[number]): string =>
    f.missing.length === f.hosts.length ? f.pattern : `${f.pattern} in ${f.missing.map((m) => m.region).join(', ')}`;
  // The plain private form in the node's own region is what nearly every pull uses: missing there, pulls fail.
  const essential = gaps.filter(
    (f) =>
      f.pattern.startsWith('*.dkr.ecr.*.') &&
      (node ? f.missing.some((m) => m.region === node.region) : f.missing.length === f.hosts.length),
  );
  if (gaps.length === 0) {
    checks.push({
      name: `${id}:matchImages`,
      status: 'ok',
      message: `matchImages cover every ECR host form of ${where} (${own.length} forms, every region)`,
    });
  } else {
    checks.push({
      name: `${id}:matchImages`,
      status: essential.length ? 'fail' : 'warn',
      message: `matchImages miss ${gaps.map(describe).join(', ')} of ${where}: the kubelet never asks this helper for images there${essential.length ? `, so private images${node ? ` in ${node.region}` : ''} fail to pull` : ' (images there are pulled without credentials: private ones fail, public ones at a lower rate limit)'}`,
      fix: `add ${gaps.map((g) => g.pattern).join(', ')} (docker-credential-ecr kubelet-config lists every form)`,
    });
  }
  const elsewhere = forms.filter((f) => !own.includes(f) && f.hosts.some((h) => !covered(h.host)));
  if (elsewhere.length > 0) {
    checks.push({
      name: `${id}:matchImages-partitions`,
      status: 'ok',
      message: `forms of other partitions not (fully) in matchImages: ${[...new Set(elsewhere.map((f) => f.partition))].join(', ')}; this node's identity pulls only in ${partition}`,
    });
  }
  const useless = matchImages.filter(
    (m) => ![...forms.flatMap((f) => f.hosts), ...custom].some(({ host }) => imageMatches(m, `${host}/repo`)),
  );
  if (useless.length)
    checks.push({
      name: `${id}:matchImages-unused`,
      status: 'warn',
      message: `matchImages ${useless.join(', ')} match no host this helper serves, in any region (China hosts end in .amazonaws.com.cn, not .amazonaws.cn)`,
    });
  const uncovered = custom.filter(({ host }) => !covered(host));
  if (uncovered.length)
    checks.push({
      name: `${id}:custom-hosts`,
      status: 'warn',
      message: `the config file's custom hosts ${uncovered.map((c) => c.pattern).join(', ')} are not in matchImages`,
      fix: 'add them',
    });
  return checks;
}
