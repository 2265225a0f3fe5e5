// `doctor --kubelet FILE [--bin-dir DIR]`: checks a node's CredentialProviderConfig against this helper: it
// parses; a provider's name resolves to this helper in the bin dir and its arguments select the kubelet mode;
// its matchImages cover the ECR hosts we serve (and match nothing we do not); apiVersion, durations and
// tokenAttributes are consistent with what the kubelet and this helper expect.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { imageMatches } from '../../kubelet/image-match';
import { KUBELET_MODE, KUBELET_PLUGIN_NAME } from '../../kubelet/names';
import { KUBELET_API_VERSIONS } from '../../kubelet/request';
import { ROLE_ANNOTATIONS, STS_AUDIENCE, customHostPatterns } from '../kubelet-config';
import { loadRegistryConfig } from '../../registry/config-file';
import { knownRegions, partitionOfRegion, registryForHost, servedHostPatterns, type Partition } from '../../registry/host';
import { readRegularText } from '../../platform/read-file';
import { selfExecutable } from '../../platform/runtime';
import type { Settings } from '../../platform/settings';
import type { Check } from '../command-io';
import { shellQuote } from '../../platform/posix';

/** A value from the node's YAML as a person reads it: a string as itself, anything else as JSON. */
const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const CONFIG_API_VERSIONS = ['kubelet.config.k8s.io/v1', 'kubelet.config.k8s.io/v1beta1', 'kubelet.config.k8s.io/v1alpha1'];
const TOKEN_LIFETIME_MS = 12 * 3600_000;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Go's time.ParseDuration, for the units the kubelet's configs use; undefined when it does not parse. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unitMs[p[2]], 0);
}

const SAMPLE_REGIONS = ['us-east-1', 'us-gov-west-1', 'cn-north-1', 'eusc-de-east-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'us-isof-south-1'];

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

/** A CredentialProviderConfig is a few kilobytes; a megabyte is far more than any. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The config as the kubelet reads it: one file, or a directory's *.json, *.yaml, *.yml merged in lexical order. */
function readProviderConfigs(path: string): { file: string; doc: unknown }[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((name) => /\.(json|ya?ml)$/.test(name)).sort().map((name) => join(path, name))
    : [path];
  // Bounded and never blocking: a FIFO or a link to /dev/zero where a config is expected fails, not hangs.
  return files.map((file) => ({ file, doc: parseYaml(readRegularText(file, { maxBytes: MAX_CONFIG_BYTES, followSymlinks: true })) as unknown }));
}

interface Ours {
  provider: Json;
  name: string;
  /** How we know: the bin dir's file is this executable, or reports our version; or only its name suggests it. */
  resolved: 'self' | 'version' | 'name';
}

function resolveProvider(name: string, binDir: string | undefined): 'self' | 'version' | 'other' | 'missing' | 'unknown' {
  if (!binDir) return 'unknown';
  const file = join(binDir, name);
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return 'missing';
  }
  const self = selfExecutable();
  if (self) {
    try {
      if (realpathSync(file) === realpathSync(self)) return 'self';
    } catch {
      // Compared by running it below.
    }
  }
  const r = spawnSync(file, ['version'], { encoding: 'utf8', timeout: 10_000, env: { PATH: '/usr/bin:/bin' } });
  return r.status === 0 && r.stdout.startsWith('docker-credential-ecr ') ? 'version' : 'other';
}

export function kubeletChecks(configPath: string, binDir: string | undefined, settings: Settings, node?: { region: string; source: string }): Check[] {
  const checks: Check[] = [];
  let docs;
  try {
    docs = readProviderConfigs(configPath);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return [{ name: 'kubelet-config', status: 'fail', message: `cannot read ${configPath}: ${why}`, fix: 'docker-credential-ecr kubelet-config > FILE writes a working one' }];
  }
  const providers: Json[] = [];
  for (const { file, doc } of docs) {
    if (!isObject(doc)) {
      checks.push({ name: 'kubelet-config', status: 'fail', message: `${file}: not a CredentialProviderConfig (not a YAML/JSON object)` });
      continue;
    }
    const problems: string[] = [];
    if (doc.kind !== 'CredentialProviderConfig') problems.push(`kind is ${JSON.stringify(doc.kind)}, not "CredentialProviderConfig"`);
    if (!CONFIG_API_VERSIONS.includes(String(doc.apiVersion))) problems.push(`apiVersion ${JSON.stringify(doc.apiVersion)} is not one of ${CONFIG_API_VERSIONS.join(', ')}`);
    if (!Array.isArray(doc.providers)) problems.push('it has no providers list');
    if (problems.length) checks.push({ name: 'kubelet-config', status: 'fail', message: `${file}: ${problems.join('; ')}`, fix: 'the kubelet refuses to start with it' });
    else checks.push({ name: 'kubelet-config', status: 'ok', message: `${file}: ${shown(doc.apiVersion)} CredentialProviderConfig with ${(doc.providers as unknown[]).length} provider(s)` });
    if (Array.isArray(doc.providers)) providers.push(...doc.providers.filter(isObject));
  }

  if (binDir !== undefined) {
    let isDir = false;
    try {
      isDir = statSync(binDir).isDirectory();
    } catch {
      // Reported below.
    }
    checks.push(
      isDir
        ? { name: 'kubelet-bin-dir', status: 'ok', message: `bin dir ${binDir} exists` }
        : { name: 'kubelet-bin-dir', status: 'fail', message: `bin dir ${binDir} is not a directory`, fix: 'the kubelet refuses to start without --image-credential-provider-bin-dir' },
    );
  }

  // Which provider is this helper: resolved through the bin dir when given, else guessed from the name or args.
  const ours: Ours[] = [];
  for (const provider of providers) {
    const name = typeof provider.name === 'string' ? provider.name : '';
    if (!name || name.includes('/')) {
      checks.push({ name: 'kubelet-provider', status: 'fail', message: `provider name ${JSON.stringify(provider.name)} must be a file name in the bin dir (no "/")` });
      continue;
    }
    const args = Array.isArray(provider.args) ? provider.args.map(String) : [];
    const looksOurs = name === KUBELET_PLUGIN_NAME || name === 'docker-credential-ecr' || args.includes(KUBELET_MODE);
    const resolved = resolveProvider(name, binDir);
    if (resolved === 'self' || resolved === 'version') ours.push({ provider, name, resolved });
    else if (resolved === 'unknown' && looksOurs) ours.push({ provider, name, resolved: 'name' });
    else if (looksOurs && resolved === 'missing')
      checks.push({ name: `kubelet-provider:${name}`, status: 'fail', message: `${join(binDir!, name)} does not exist or is not executable; the kubelet refuses to start`, fix: `install the helper there: cp ${shellQuote(selfExecutable() ?? 'dist/docker-credential-ecr')} ${shellQuote(join(binDir!, name))}` });
    else if (looksOurs && resolved === 'other')
      checks.push({ name: `kubelet-provider:${name}`, status: 'warn', message: `${join(binDir!, name)} is not docker-credential-ecr (\`${name} version\` does not say so): another plugin, e.g. AWS's` });
  }
  if (ours.length === 0) {
    checks.push({ name: 'kubelet-provider', status: 'fail', message: `no provider in ${configPath} runs docker-credential-ecr${binDir ? ` from ${binDir}` : ''}`, fix: 'docker-credential-ecr kubelet-config prints one' });
    return checks;
  }

  // A sample host for each custom pattern (`*` stands for one label), as sampleHosts() has for the served forms.
  const custom = customHostPatterns(loadRegistryConfigQuietly(settings)).map((pattern) => ({ pattern, host: pattern.replace(/\*/g, 'x') }));
  for (const { provider, name, resolved } of ours) {
    const id = `kubelet-provider:${name}`;
    const args = Array.isArray(provider.args) ? provider.args.map(String) : [];
    const how = resolved === 'self' ? 'is this executable' : resolved === 'version' ? 'is docker-credential-ecr' : 'is named like this helper (give --bin-dir to check the file)';
    const argsOk = name === KUBELET_PLUGIN_NAME ? args.length === 0 || (args.length === 1 && args[0] === KUBELET_MODE) : args.length === 1 && args[0] === KUBELET_MODE;
    checks.push(
      argsOk
        ? { name: id, status: resolved === 'name' ? 'warn' : 'ok', message: `provider ${name} ${how}; the kubelet runs it as \`${[name, ...args].join(' ')}\`` }
        : { name: id, status: 'fail', message: `provider ${name}: args ${JSON.stringify(args)} do not select the kubelet mode`, fix: name === KUBELET_PLUGIN_NAME ? 'remove args' : `args: ["${KUBELET_MODE}"]` },
    );

    const apiVersion = typeof provider.apiVersion === 'string' ? provider.apiVersion : shown(provider.apiVersion ?? '');
    checks.push(
      (KUBELET_API_VERSIONS as readonly string[]).includes(apiVersion)
        ? { name: `${id}:apiVersion`, status: 'ok', message: `apiVersion ${apiVersion} (answered in the same version)` }
        : { name: `${id}:apiVersion`, status: 'fail', message: `apiVersion ${JSON.stringify(provider.apiVersion)} is not one of ${KUBELET_API_VERSIONS.join(', ')}` },
    );

    const matchImages = Array.isArray(provider.matchImages) ? provider.matchImages.map(String) : [];
    checks.push(...coverageChecks(id, matchImages, node, custom));
    const uncovered = custom.filter(({ host }) => !matchImages.some((m) => imageMatches(m, `${host}/repo`)));
    if (uncovered.length)
      checks.push({ name: `${id}:custom-hosts`, status: 'warn', message: `the config file's custom hosts ${uncovered.map((c) => c.pattern).join(', ')} are not in matchImages`, fix: 'add them' });

    const duration = typeof provider.defaultCacheDuration === 'string' ? parseGoDuration(provider.defaultCacheDuration) : undefined;
    if (duration === undefined)
      checks.push({ name: `${id}:defaultCacheDuration`, status: 'fail', message: `defaultCacheDuration ${JSON.stringify(provider.defaultCacheDuration)} is missing or not a Go duration (the kubelet requires it)`, fix: 'defaultCacheDuration: "12h"' });
    else if (duration > TOKEN_LIFETIME_MS)
      checks.push({ name: `${id}:defaultCacheDuration`, status: 'warn', message: `defaultCacheDuration ${shown(provider.defaultCacheDuration)} is longer than an ECR token lives (12h); only used if a response had no cacheDuration (ours always has one)` });
    else checks.push({ name: `${id}:defaultCacheDuration`, status: 'ok', message: `defaultCacheDuration ${shown(provider.defaultCacheDuration)}; each response sets its own cacheDuration (until our cache would refresh the token)` });

    checks.push(...tokenAttributeChecks(id, provider, apiVersion));
  }
  return checks;
}

/**
 * Coverage judged by what this node can pull: its identity's tokens work in its own partition only, so a form of
 * another partition left out of matchImages costs nothing. A missing form of its own partition is a failure for
 * the plain private host (every pull of it goes anonymous) and a warning for FIPS, dual-stack and public hosts.
 */
function coverageChecks(id: string, matchImages: readonly string[], node: { region: string; source: string } | undefined, custom: readonly { host: string }[]): Check[] {
  const checks: Check[] = [];
  const partition = node ? regionPartition(node.region) : 'aws';
  const where = node ? `this node's partition ${partition} (region ${node.region} from ${node.source})` : `partition aws (no region is set: AWS_REGION; judged as a commercial-region node)`;
  const forms = formSamples();
  const covered = (host: string): boolean => matchImages.some((m) => imageMatches(m, `${host}/repo`));
  const own = forms.filter((f) => f.partition === partition);
  const gaps = own
    .map((f) => ({ ...f, missing: f.hosts.filter((h) => !covered(h.host)) }))
    .filter((f) => f.missing.length > 0);
  const describe = (f: (typeof gaps)[number]): string =>
    f.missing.length === f.hosts.length ? f.pattern : `${f.pattern} in ${f.missing.map((m) => m.region).join(', ')}`;
  // The plain private form in the node's own region is what nearly every pull uses: missing there, pulls fail.
  const essential = gaps.filter((f) => f.pattern.startsWith('*.dkr.ecr.*.') && (node ? f.missing.some((m) => m.region === node.region) : f.missing.length === f.hosts.length));
  if (gaps.length === 0) {
    checks.push({ name: `${id}:matchImages`, status: 'ok', message: `matchImages cover every ECR host form of ${where} (${own.length} forms, every region)` });
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
    checks.push({ name: `${id}:matchImages-partitions`, status: 'ok', message: `forms of other partitions not (fully) in matchImages: ${[...new Set(elsewhere.map((f) => f.partition))].join(', ')}; this node's identity pulls only in ${partition}` });
  }
  const useless = matchImages.filter((m) => ![...forms.flatMap((f) => f.hosts), ...custom].some(({ host }) => imageMatches(m, `${host}/repo`)));
  if (useless.length)
    checks.push({ name: `${id}:matchImages-unused`, status: 'warn', message: `matchImages ${useless.join(', ')} match no host this helper serves, in any region (China hosts end in .amazonaws.com.cn, not .amazonaws.cn)` });
  return checks;
}

function loadRegistryConfigQuietly(settings: Settings) {
  try {
    return loadRegistryConfig(settings);
  } catch {
    return undefined; // `doctor` without --kubelet reports a broken config file.
  }
}

function tokenAttributeChecks(id: string, provider: Json, apiVersion: string): Check[] {
  const name = `${id}:tokenAttributes`;
  const attributes = provider.tokenAttributes;
  if (attributes === undefined) return [{ name, status: 'ok', message: 'no tokenAttributes: every image is pulled with the node identity (per-pod roles off)' }];
  if (!isObject(attributes)) return [{ name, status: 'fail', message: 'tokenAttributes is not an object' }];
  const checks: Check[] = [];
  const fail = (message: string, fix?: string): void => void checks.push({ name, status: 'fail', message, ...(fix ? { fix } : {}) });
  const warn = (message: string, fix?: string): void => void checks.push({ name, status: 'warn', message, ...(fix ? { fix } : {}) });
  if (apiVersion !== 'credentialprovider.kubelet.k8s.io/v1') fail(`tokenAttributes need apiVersion credentialprovider.kubelet.k8s.io/v1 (the kubelet sends service-account tokens in v1 only)`);
  if (attributes.serviceAccountTokenAudience === undefined) fail('tokenAttributes.serviceAccountTokenAudience is required', `serviceAccountTokenAudience: ${STS_AUDIENCE}`);
  else if (attributes.serviceAccountTokenAudience !== STS_AUDIENCE)
    warn(`serviceAccountTokenAudience ${JSON.stringify(attributes.serviceAccountTokenAudience)}: STS accepts it only if the cluster's OIDC provider in IAM lists it as a client ID (usually ${STS_AUDIENCE})`);
  if (!['Token', 'ServiceAccount'].includes(String(attributes.cacheType)))
    fail(`tokenAttributes.cacheType ${JSON.stringify(attributes.cacheType)} must be ServiceAccount or Token (required since Kubernetes 1.34)`, 'cacheType: ServiceAccount');
  if (attributes.requireServiceAccount === true) warn('requireServiceAccount: true: pulls without a pod (static pods, image GC) get no credentials from this provider');
  const keys = [attributes.optionalServiceAccountAnnotationKeys, attributes.requiredServiceAccountAnnotationKeys].flatMap((list) => (Array.isArray(list) ? list.map(String) : []));
  if (!ROLE_ANNOTATIONS.some((key) => keys.includes(key)))
    warn(`no role annotation key listed (${ROLE_ANNOTATIONS.join(', ')}): the kubelet passes none, so only AWS_ECR_ROLE_ARN from the provider's env can name a role`, `optionalServiceAccountAnnotationKeys: ${JSON.stringify(ROLE_ANNOTATIONS)}`);
  const required = Array.isArray(attributes.requiredServiceAccountAnnotationKeys) ? attributes.requiredServiceAccountAnnotationKeys.map(String) : [];
  if (required.some((key) => ROLE_ANNOTATIONS.includes(key))) warn(`${required.join(', ')} required: pods whose service account lacks it get no credentials at all (not even the node's)`);
  if (checks.length === 0)
    checks.push({ name, status: 'ok', message: `tokenAttributes: audience ${STS_AUDIENCE}, cacheType ${shown(attributes.cacheType)}, role from ${ROLE_ANNOTATIONS.filter((k) => keys.includes(k)).join(' or ')}` });
  return checks;
}
