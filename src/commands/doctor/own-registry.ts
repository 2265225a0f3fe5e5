// "no basic auth credentials": the identity's own registry not routed to this helper, so Docker pulls it anonymously.
import { HELPER_NAME } from '../../docker/config-file';
import { printable } from '../../platform/log';
import { registryDomain, type Partition, type Registry } from '../../registry/host';
import type { OwnAccount } from './identity';
import { configureFix, type Check, type DockerState } from './result';

/** Whether the identity's own account has a registry that Docker sends to this helper (or another ECR helper). */
export function ownRegistryCheck(
  own: OwnAccount,
  hosts: readonly string[],
  docker: DockerState,
  region: { region: string; source: string } | undefined,
  registryOf: (host: string) => Registry | undefined,
): Check | undefined {
  const name = 'own-registry';
  const partition = (own.partition ?? 'aws') as Partition;
  const expected = region ? `${own.account}.dkr.ecr.${region.region}.${registryDomain(partition)}` : undefined;
  // credsStore "ecr" sends every host without a credHelpers entry here (configure --all-registries).
  const viaStore = docker.view.credsStore === HELPER_NAME;
  const routed = (host: string): boolean => docker.view.credHelpers[host] !== undefined || viaStore;
  const ownHosts = hosts.filter((host) => {
    const registry = registryOf(host);
    return registry?.kind === 'ecr' && registry.account === own.account && routed(host);
  });
  const standsFor = expected
    ? ownHosts.find((host) => host !== expected && registryOf(host)?.host === expected)
    : undefined;
  if (standsFor)
    return {
      name,
      status: 'ok',
      message: `your account's registry ${expected} is reached as ${standsFor} (helper config), which is in credHelpers`,
    };
  // Named in the Docker config but not routed: its route line above already fails, with this same fix.
  if (expected && !routed(expected) && hosts.includes(expected)) return undefined;
  // The credsStore line already says every ECR registry comes here (creds-store.ts): one verdict.
  if (viaStore && (!expected || docker.view.credHelpers[expected] === undefined)) return undefined;
  if (expected && routed(expected))
    return {
      name,
      status: 'ok',
      message: `your account's registry ${expected} (region ${region!.region} from ${region!.source}) is in credHelpers`,
    };
  if (!expected && ownHosts.length > 0)
    return {
      name,
      status: 'ok',
      message: `your account ${own.account} has registries in credHelpers: ${ownHosts.join(', ')}`,
    };
  const host = expected ?? `${own.account}.dkr.ecr.<region>.${registryDomain(partition)}`;
  const others = ownHosts.length > 0 ? ` (credHelpers has it in other regions: ${ownHosts.join(', ')})` : '';
  return {
    name,
    status: 'warn',
    message:
      `your account ${own.account}'s registry ${host} is not in credHelpers of ${printable(docker.path)}${others}, so Docker does not ask this helper for it and ` +
      `\`docker pull ${host}/<repo>\` fails with "no basic auth credentials"`,
    fix: expected ? configureFix(expected) : `${configureFix(host)} (with your registry's region)`,
  };
}
