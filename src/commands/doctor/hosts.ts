// Which hosts doctor checks (those asked for, else every ECR host the Docker config names), and the Docker config's
// credsStore as a whole.
import { HELPER_NAME, type DockerConfigView } from '../../docker/config-file';
import type { Env, Settings } from '../../platform/settings';
import { printable, printableAscii } from '../../platform/log';
import type { RegistryConfig } from '../../registry/config-file';
import { registryServing } from '../../registry/routing';
import { hintForUnservedHost } from '../../registry/hints';
import { parseServerUrl } from '../../registry/host';
import { credsStoreChecks } from './creds-store';
import type { Check, DockerState, Outcome } from './result';

/** Whether this helper serves `host`: an ECR host name, or one the helper config maps to a registry. */
export const servedBy =
  (helperConfig: RegistryConfig | undefined) =>
  (host: string): boolean =>
    registryServing(host, helperConfig).registry !== undefined;

/** ECR hosts the Docker config names (credHelpers or auths keys), in file order, without duplicates. */
function hostsInDockerConfig(
  view: DockerConfigView,
  served: (host: string) => boolean,
): { hosts: string[]; strays: string[] } {
  const hosts: string[] = [];
  const strays: string[] = [];
  for (const [key, helper] of [
    ...Object.entries(view.credHelpers),
    ...Object.keys(view.auths).map((k): [string, string | undefined] => [k, undefined]),
  ]) {
    let host: string;
    try {
      host = parseServerUrl(key).host;
    } catch {
      continue;
    }
    if (served(host)) {
      if (!hosts.includes(host)) hosts.push(host);
    } else if (helper === HELPER_NAME) {
      strays.push(key);
    }
  }
  return { hosts, strays };
}

export function hostChecks(
  requested: readonly string[],
  docker: DockerState | undefined,
  served: (host: string) => boolean,
): Outcome<{ hosts: string[] }> {
  const checks: Check[] = [];
  const hosts: string[] = [];
  for (const input of requested) {
    let host: string;
    try {
      host = parseServerUrl(input).host;
    } catch {
      checks.push({
        name: `route:${printableAscii(input)}`,
        status: 'fail',
        message: `${printableAscii(input)} is not a registry host`,
      });
      continue;
    }
    if (!served(host)) {
      checks.push({
        name: `route:${host}`,
        status: 'fail',
        message: `${host} is not a registry this helper serves`,
        fix:
          hintForUnservedHost(host) ??
          'name an ECR host (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws) or map it in the helper config',
      });
    } else if (!hosts.includes(host)) hosts.push(host);
  }
  if (docker) {
    const found = hostsInDockerConfig(docker.view, served);
    for (const stray of found.strays) {
      checks.push({
        name: `route:${printableAscii(stray)}`,
        status: 'warn',
        message: `credHelpers sends ${printableAscii(stray)} to this helper, but it is not an ECR host; Docker gets "credentials not found" for it`,
        fix: `remove it from ${docker.path}, or map it to a registry in the helper config`,
      });
    }
    if (requested.length === 0) hosts.push(...found.hosts);
  }
  return { checks, facts: { hosts } };
}

/** credsStore: this helper (and the store behind it), or another store that answers for unrouted ECR hosts. */
export async function storeChecks(
  docker: DockerState | undefined,
  hosts: readonly string[],
  requested: readonly string[],
  settings: Settings,
  env: Env,
): Promise<Check[]> {
  const checks: Check[] = [];
  const view = docker?.view;
  if (view?.credsStore === HELPER_NAME) {
    checks.push(...(await credsStoreChecks(settings, env)));
  } else if (view?.credsStore) {
    const store = printable(view.credsStore);
    const unrouted = hosts.filter((h) => view.credHelpers[h] === undefined);
    checks.push(
      hosts.length === 0
        ? {
            name: 'creds-store',
            status: 'warn',
            message: `credsStore "${store}" answers for every registry not in credHelpers, ECR ones included`,
            fix: 'docker-credential-ecr configure',
          }
        : unrouted.length > 0
          ? {
              name: 'creds-store',
              status: 'warn',
              message: `credsStore "${store}" answers for ECR hosts not in credHelpers: ${unrouted.join(', ')}`,
              fix: `docker-credential-ecr configure ${unrouted.map((h) => `--registry ${h}`).join(' ')}`,
            }
          : {
              name: 'creds-store',
              status: 'ok',
              message: `credsStore "${store}" serves other registries; credHelpers take precedence for the ECR hosts`,
            },
    );
  }
  if (hosts.length === 0 && requested.length === 0 && view?.credsStore !== HELPER_NAME) {
    checks.push({
      name: 'registries',
      status: 'fail',
      message: `no ECR registry in ${docker ? docker.path : 'the Docker config'} goes to this helper`,
      fix: 'docker-credential-ecr configure',
    });
  }
  return checks;
}
