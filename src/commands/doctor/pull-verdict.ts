// The registry's answer for an image, in words: what it means for the pull and what to do. The ECR API calls that
// tell the cases apart each need their own permission; a refusal is said, not hidden.
import { printable } from '../../platform/log';
import type { Env } from '../../platform/settings';
import { partitionOfRegion, registryDomain, type EcrRegistry } from '../../registry/host';
import type { ApiAnswer, RegistryApi } from '../../aws/registry-api';
import type { ImageRef } from './image';
import type { Check } from './result';

/** What the registry said, as typed facts the verdict reads. */
export interface RegistryAnswer {
  status: number;
  code?: string;
  message?: string;
  digest?: string;
  mediaType?: string;
  redirectedTo?: string;
}

const DAEMON =
  "Docker's daemon pulls with its own proxy settings (systemd's or daemon.json's), which may differ from these";
const FIRST_PULL =
  'ecr:BatchImportUpstreamImage (identity, registry or repository policy) and, while the repository does not exist yet, ecr:CreateRepository';

const refused = (what: string, answer: ApiAnswer<unknown>, action: string): string =>
  answer.ok
    ? ''
    : `; ${what} is not known: ${action} was refused (${printable(answer.code)}${/AccessDenied/.test(answer.code) ? `: needs ${action}` : ''})`;

async function pullThroughNote(
  image: ImageRef,
  api: RegistryApi | undefined,
): Promise<{ note: string; rule?: { prefix: string; upstream: string } }> {
  if (!api) return { note: '' };
  const rules = await api.pullThroughRules();
  if (!rules.ok) return { note: refused('a pull-through-cache rule', rules, 'ecr:DescribePullThroughCacheRules') };
  const rule = rules.value.find((r) => image.repository.startsWith(`${r.prefix}/`));
  return rule ? { note: '', rule } : { note: '' };
}

async function otherRegions(
  image: ImageRef,
  registry: EcrRegistry,
  api: RegistryApi,
  regions: () => string[],
): Promise<{ note: string; found: boolean }> {
  const candidates = regions().filter((r) => r !== registry.region && partitionOfRegion(r) === registry.partition);
  const answers = await Promise.all(
    candidates.map(async (region) => ({ region, answer: await api.repositoryExists(image.repository, region) })),
  );
  const found = answers.filter((a) => a.answer.ok && a.answer.value).map((a) => a.region);
  if (found.length > 0) {
    const hosts = found.map(
      (r) => `${registry.account}.dkr.ecr.${r}.${registryDomain(registry.partition)}/${image.repository}`,
    );
    return { note: `; it exists in ${found.join(', ')}: pull ${hosts.join(' or ')}`, found: true };
  }
  const denied = answers.find((a) => !a.answer.ok);
  if (denied && answers.every((a) => !a.answer.ok))
    return {
      note: refused('whether it exists in another region', denied.answer, 'ecr:DescribeRepositories'),
      found: false,
    };
  return { note: `; it is in no other region of account ${registry.account} either`, found: false };
}

export async function explainAnswer(
  name: string,
  image: ImageRef,
  answer: RegistryAnswer,
  registry: EcrRegistry,
  api: RegistryApi | undefined,
  regions: () => string[],
): Promise<Check> {
  const what = `${image.input}: the registry ${image.host} answered`;
  const said = `HTTP ${answer.status}${answer.code ? ` ${answer.code}` : ''}${answer.message ? `: ${printable(answer.message)}` : ''}`;
  const moved = answer.redirectedTo
    ? ` (after a redirect to ${printable(answer.redirectedTo)}, which was not sent the token)`
    : '';
  if (answer.status === 200) {
    return {
      name,
      status: 'ok',
      message: `${image.input}: the registry has it: digest ${printable(answer.digest ?? '?')}${answer.mediaType ? ` (${printable(answer.mediaType)})` : ''}${moved}; the pull can start`,
    };
  }
  if (answer.status === 401) {
    return {
      name,
      status: 'fail',
      message: `${what} ${said}${moved}: it does not take the token this helper gives for it; Docker then says "no basic auth credentials" or "authorization token has expired"`,
      fix: `docker-credential-ecr doctor ${image.host}`,
    };
  }
  // A registry may say MANIFEST_UNKNOWN for a repository it does not have (the CNCF registry does): ECR's API says which.
  const exists =
    answer.status === 404 && answer.code === 'MANIFEST_UNKNOWN' && api
      ? await api.repositoryExists(image.repository)
      : undefined;
  if (answer.status === 404 && answer.code === 'MANIFEST_UNKNOWN' && !(exists?.ok && !exists.value)) {
    const unsure =
      exists && !exists.ok ? refused('whether the repository exists', exists, 'ecr:DescribeRepositories') : '';
    return {
      name,
      status: 'fail',
      message: `${what} ${said}: ${unsure ? `${image.reference} is not in repository ${image.repository}` : `the repository ${image.repository} exists, but ${image.reference} is not in it`} (Docker says "not found" or "manifest unknown")${unsure}`,
      fix: `check the tag: \`aws ecr list-images --repository-name ${image.repository} --region ${registry.region}\``,
    };
  }
  if (answer.status === 404) {
    const through = await pullThroughNote(image, api);
    if (through.rule) {
      return {
        name,
        status: 'warn',
        message: `${what} ${said}: ${image.repository} starts with the pull-through-cache prefix "${through.rule.prefix}" (upstream ${printable(through.rule.upstream)}): the first pull creates it, and needs ${FIRST_PULL} besides the usual pull permissions`,
        fix: `grant ${FIRST_PULL} to the identity`,
      };
    }
    const where = api ? await otherRegions(image, registry, api, regions) : { note: '', found: false };
    return {
      name,
      status: 'fail',
      message: `${what} ${said}: there is no repository ${image.repository} in account ${registry.account}'s registry in ${registry.region} (Docker says "pull access denied ... repository does not exist or may require 'docker login'")${where.note}${through.note}`,
      fix: where.found
        ? 'pull from the region named'
        : `check the name, account and region, or create it: \`aws ecr create-repository --repository-name ${image.repository} --region ${registry.region}\``,
    };
  }
  if (answer.status === 403) {
    const denied = /not authorized to perform:? (\S+) on resource:? (\S+)/.exec(answer.message ?? '');
    const explicit = /explicit deny/i.test(answer.message ?? '') ? ' by an explicit deny' : '';
    let policy = '';
    if (api) {
      const read = await api.repositoryPolicy(image.repository);
      policy = read.ok
        ? read.value
          ? `; its repository policy: ${printable(read.value.replace(/\s+/g, ' ')).slice(0, 600)}`
          : "; the repository has no policy, so only the identity's IAM policy can allow it"
        : refused('the repository policy', read, 'ecr:GetRepositoryPolicy');
    }
    const through = await pullThroughNote(image, api);
    const firstPull = through.rule
      ? `; ${image.repository} is under the pull-through-cache prefix "${through.rule.prefix}" (upstream ${printable(through.rule.upstream)}), whose first pull needs ${FIRST_PULL}`
      : through.note;
    return {
      name,
      status: 'fail',
      message: `${what} ${said}: ${denied ? `${denied[1]} on ${denied[2]} is denied${explicit}` : 'the pull is denied'} (Docker says "pull access denied" or "denied")${policy}${firstPull}`,
      fix: denied
        ? `allow ${denied[1]} on ${denied[2]} for this identity, in its IAM policy or the repository policy`
        : "check the identity's IAM policy and the repository policy",
    };
  }
  if (answer.status === 429)
    return {
      name,
      status: 'warn',
      message: `${what} ${said}: the registry is throttling pulls`,
      fix: 'retry later, or pull less often in parallel',
    };
  return {
    name,
    status: 'fail',
    message: `${what} ${said}${moved}`,
    fix: `run with DOCKER_CREDENTIAL_ECR_LOG=debug for the requests made`,
  };
}

export function explainNetwork(name: string, image: ImageRef, error: unknown, env: Env): Check {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'error';
  const text = printable(typeof e.message === 'string' ? e.message : String(error)).slice(0, 200);
  const proxy = ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'].find((v) => env[v]);
  const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code) || /certificate/i.test(text);
  const fix = tls
    ? `trust the registry's CA: put it in /etc/docker/certs.d/${image.host}/ca.crt (Docker's daemon reads it too), or in AWS_CA_BUNDLE`
    : code === 'EPROXYCONNECT'
      ? `have ${image.host} allowed through the proxy (${proxy ?? 'HTTPS_PROXY'}), or add it to NO_PROXY`
      : `check that ${image.host} can be reached from here${proxy ? ` through the proxy in ${proxy}` : ''}`;
  return {
    name,
    status: 'fail',
    message: `${image.input}: the registry ${image.host} could not be asked (${code}: ${text})${proxy ? ` through the proxy in ${proxy}` : ''}; ${DAEMON}`,
    fix,
  };
}
